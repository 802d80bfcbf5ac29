/**
 * chart.js, registered with only the parts the pages use. Charts draw on a canvas, so their labels
 * (rule ids, host names: data) never become markup; they are still clipped to a readable length.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip, type ChartConfiguration } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Title, Tooltip);
// No animation: the page is for reading, and a test (or a screenshot) sees the final drawing at once.
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

export const LABEL_MAX = 60;
export const label = (s: string) => (s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s);

/** A fixed palette, cycled: colours are ours, never taken from data. */
const PALETTE = ['#3b6fd4', '#d9822b', '#2f9e6e', '#b44bb8', '#c9a227', '#2aa7b8', '#8c6d46', '#6b7a8f', '#e0607e', '#5b8f29'];
export const colour = (i: number) => PALETTE[i % PALETTE.length]!;
export const ANOMALY = '#d62d20';

export function chart<T extends 'bar' | 'line'>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
  return new Chart(canvas, config);
}
