// The npm package ships no types. Only what the adapter touches is declared.
declare module 'ml-isolation-forest' {
  export interface MlTreeNode {
    left?: MlTreeNode;
    right?: MlTreeNode;
    splitColumn?: number;
    splitValue?: number;
    trainingSet?: number[][];
  }
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    nEstimators: number;
    forest: MlTreeNode[];
    trainingSet: number[][];
    train(trainingSet: number[][]): void;
    predict(data: number[][]): number[];
  }
}
