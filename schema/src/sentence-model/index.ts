// Server only: onnxruntime-node is a native addon, so no browser bundle may import this entry.
export * from './model-catalog.js';
export * from './sentence-model.js';
