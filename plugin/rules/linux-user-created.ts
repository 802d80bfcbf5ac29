/** A local account was created: useradd "new user: name=backup2, UID=1002, ...". */
import { defineRule, boundedMatch } from '../sdk.js';

const NEW_USER = /^new user: name=([^,\s]+), UID=(\d+)/;

export default defineRule({
  id: 'linux-user-created',
  title: 'Local user account created',
  description: 'useradd/adduser created a new local account.',
  severity: 'medium',
  tags: ['attack.persistence', 'attack.t1136.001'],
  match: { kinds: ['auth'], programs: ['useradd', 'adduser'] },
  extract(e) {
    const m = boundedMatch(NEW_USER, e.message);
    if (!m) return null;
    return { user: m[1], uid: parseInt(m[2]!, 10) };
  },
  fire: { mode: 'single', groupBy: ['host', 'user'], quietSec: 0 },
  summary: (c) => `new local user ${c.group.user} (uid ${c.values.uid?.join(', ')}) created on ${c.group.host}`,
});
