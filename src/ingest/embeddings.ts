import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbeddingConfig } from '../config/config.js';
import { ModelLoadError } from './errors.js';

export { ModelLoadError };

/** Which ONNX file transformers.js looks for with each dtype (for the error message). */
const ONNX_FILE_FOR_DTYPE: Record<string, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  int8: 'onnx/model_int8.onnx',
  uint8: 'onnx/model_uint8.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
  bnb4: 'onnx/model_bnb4.onnx',
};

function modelLoadMessage(cfg: EmbeddingConfig, cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const file = ONNX_FILE_FOR_DTYPE[cfg.dtype];
  const dtypeHint = file ? ` (${cfg.dtype} → ${file})` : '';
  return (
    `Could not load embedding model "${cfg.model}" (dtype ${cfg.dtype}): ${reason}. ` +
    `Leave EMBEDDING_MODEL unset for the shipped model (models/vi-news-embed-small), set it to a local model folder ` +
    `or a hub id reachable from this machine, and EMBEDDING_DTYPE to a dtype the model ships${dtypeHint}.`
  );
}

/**
 * Sentence embeddings computed in-process with transformers.js (ONNX): mean pooling and L2
 * normalisation, so cosine similarity is a dot product. Queries and passages get different
 * prefixes (the e5 convention the models were trained with); mixing them up costs recall.
 */
export class TransformersEmbeddings extends Embeddings {
  readonly modelId: string;
  readonly dimensions: number;
  readonly dtype: string;
  readonly queryPrefix: string;
  readonly passagePrefix: string;
  readonly batchSize: number;
  private readonly extractor: FeatureExtractionPipeline;

  private constructor(cfg: EmbeddingConfig, extractor: FeatureExtractionPipeline, dimensions: number) {
    super({});
    this.modelId = cfg.model;
    this.dtype = cfg.dtype;
    this.queryPrefix = cfg.queryPrefix;
    this.passagePrefix = cfg.passagePrefix;
    this.batchSize = cfg.batchSize;
    this.extractor = extractor;
    this.dimensions = dimensions;
  }

  /** Loads the model described by `cfg`; throws `ModelLoadError` when it is missing or unloadable. */
  static async create(cfg: EmbeddingConfig): Promise<TransformersEmbeddings> {
    let extractor: FeatureExtractionPipeline;
    try {
      extractor = await loadPipeline(cfg);
    } catch (err) {
      throw new ModelLoadError(modelLoadMessage(cfg, err), { cause: err });
    }
    // One probe gives the output width, so callers never hard-code 384.
    const probe = await extractor('dimension probe', { pooling: 'mean', normalize: true });
    const dimensions = probe.dims[probe.dims.length - 1];
    if (dimensions === undefined || dimensions <= 0) {
      await extractor.dispose();
      throw new ModelLoadError(modelLoadMessage(cfg, new Error('the model returned no embedding')));
    }
    return new TransformersEmbeddings(cfg, extractor, dimensions);
  }

  override async embedDocuments(texts: string[]): Promise<number[][]> {
    const vectors = await this.embedPassagesRaw(texts);
    return vectors.map((v) => Array.from(v));
  }

  override async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embedRaw([this.queryPrefix + text]);
    return Array.from(vector ?? []);
  }

  /** Passage embeddings as typed arrays (no boxing), in input order; adds the passage prefix. */
  async embedPassagesRaw(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    return this.embedRaw(
      texts.map((t) => this.passagePrefix + t),
      onBatch,
    );
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }

  /**
   * Batches are padded to their longest text, so texts are embedded in length order (similar
   * lengths together waste less padding) and put back in input order afterwards.
   */
  private async embedRaw(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const result = new Array<Float32Array>(texts.length);
    for (let from = 0; from < order.length; from += this.batchSize) {
      const batchIdx = order.slice(from, from + this.batchSize);
      const output = await this.extractor(
        batchIdx.map((i) => texts[i]!),
        { pooling: 'mean', normalize: true },
      );
      const data = output.data as Float32Array;
      batchIdx.forEach((originalIndex, row) => {
        result[originalIndex] = data.slice(row * this.dimensions, (row + 1) * this.dimensions);
      });
      onBatch?.(Math.min(from + this.batchSize, order.length));
    }
    return result;
  }
}

/**
 * transformers.js keeps its settings in a global `env`; they are set here, right before loading,
 * from the configuration passed in, so two instances with different configs cannot leak into
 * each other's load.
 */
async function loadPipeline(cfg: EmbeddingConfig): Promise<FeatureExtractionPipeline> {
  let id: string;
  if (cfg.isLocal) {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(cfg.model) + path.sep;
    id = path.basename(cfg.model);
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = cfg.allowRemote;
    id = cfg.model;
  }
  if (cfg.cacheDir) env.cacheDir = cfg.cacheDir;
  // onnxruntime's CPU arena and memory pattern stay on, on purpose: measured on VNTC passages,
  // turning the arena off raised peak RSS by 40% (glibc keeps what the two inference threads
  // free) and cost 6% more CPU; the arena's high-water mark is set by the largest batch, which
  // `batchSize` and the chunk size bound (docs/benchmarks-notes.md).
  const sessionOptions = {
    enableCpuMemArena: true,
    enableMemPattern: true,
    ...(cfg.threads > 0 ? { intraOpNumThreads: cfg.threads } : {}),
  };
  return (await pipeline('feature-extraction', id, { dtype: cfg.dtype, session_options: sessionOptions })) as FeatureExtractionPipeline;
}
