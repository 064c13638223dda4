/**
 * @decoding-attention/core: datasets, attention maths and encodings on typed arrays.
 * This entry uses no DOM, no Lit and no tfjs, so it runs in Node, a Worker and a page alike.
 */
export { SeededRandom, sampleSeed } from './random.js';
export { nextTask } from './tasks.js';
export { portableExp, portableLog } from './portable-math.js';
export { gaussianKernel, addConvolvedSame, blurPlanes } from './smoothing.js';
export {
  SHAPE_TYPES_1D,
  SHAPES_1D_DEFAULTS,
  SHAPES_1D_LIMITS,
  baselineScores1D,
  drawShape1D,
  generateBatch1D,
  generateShapes1D,
  resolveShapes1DOptions,
} from './shapes1d.js';
export type {
  Batch1D,
  ResolvedShapes1DOptions,
  Sample1D,
  Shape1D,
  ShapeType1D,
  Shapes1DOptions,
} from './shapes1d.js';
export {
  BASE_COLORS_2D,
  FILTER_MODES_2D,
  SHAPE_TYPES_2D,
  SHAPES_2D_DEFAULTS,
  SHAPES_2D_LIMITS,
  generateBatch2D,
  generateShapes2D,
  resolveShapes2DOptions,
  shapeCovers2D,
  shapeDistance2D,
} from './shapes2d.js';
export { useImageKernels } from './shapes2d-pixels.js';
export type {
  Batch2D,
  FilterMode2D,
  ResolvedShapes2DOptions,
  Rgb,
  Sample2D,
  Shape2D,
  ShapeType2D,
  Shapes2DOptions,
} from './shapes2d.js';
export { CATEGORICAL_PALETTE, categoricalColor, rgbToHex } from './colors.js';
export { toMatrix, matrixToArrays, averageMatrices, matrixRange, poolMatrix } from './matrix.js';
export type { Matrix, MatrixInput } from './matrix.js';
export {
  MASK_KINDS,
  attentionMask,
  intersectMasks,
  dotProductScores,
  softmaxRows,
  maskWeights,
  splitHeads,
  attentionWeights,
  attentionFromArrays,
} from './attention.js';
export type { MaskKind, MaskOptions, AttentionWeights } from './attention.js';
export {
  localShapeFeatures1D,
  localShapeAttention1D,
  groupAttention1D,
  encodedAttention1D,
} from './attention1d.js';
export type { LocalShapeOptions, EncodedAttentionOptions } from './attention1d.js';
export {
  COLORMAPS,
  COLORMAP_SIZE,
  DIVERGING_COLORMAPS,
  colormapTable,
  colormapColor,
} from './colormaps.js';
export type { ColormapName } from './colormaps.js';
export { checkInteger, checkNumber, checkOneOf, checkOrder, shownValue } from './validation.js';
export {
  ENCODING_KINDS,
  checkEncodingTable,
  pairFrequency,
  positionalEncoding,
  positionalEncoding2D,
  applyRope,
  applyRope2D,
  positionSimilarity,
  distanceSpread,
  ropeScoresByOffset,
} from './positional.js';
export type { EncodingKind, EncodingOptions } from './positional.js';
export {
  MODEL_IDS,
  MODEL_ENCODINGS,
  MODEL_DEFAULTS,
  resolveModelOptions,
  parameterCount,
  modelCatalog,
} from './model-catalog.js';
export type {
  ModelId,
  ModelEncoding,
  ModelOptions,
  ResolvedModelOptions,
  ModelDescription,
} from './model-catalog.js';
export {
  PATCH_ENCODING_KINDS,
  patchSizesFor,
  patchGrid,
  patchify,
  unpatchify,
  patchProjection,
  checkProjection,
  checkBias,
  embedPatches,
  applyPatchRope,
  patchPositionalEncoding,
  patchTokens,
  patchPositionSimilarity,
} from './patches.js';
export type { PatchGrid, PatchEncodingKind, PatchEncodingOptions } from './patches.js';
export { crossAttentionMass, patchShapePixels } from './attention-mass.js';
export type {
  AttentionMass,
  AttentionMassShares,
  AttentionOnImage,
  MassShare,
} from './attention-mass.js';
export { VISION_MODEL_IDS, VISION_ENCODINGS, VISION_DEFAULTS } from './model-catalog.js';
export { isVisionModel, resolveVisionOptions } from './model-catalog.js';
export {
  VISION_TOKEN_LIMIT,
  checkVisionTokens,
  patchSizesWithinTokens,
  visionTokens,
} from './model-catalog.js';
export { visionModelCatalog, visionParameterCount } from './model-catalog.js';
export type { AnyModelId, VisionModelId, VisionModelOptions } from './model-catalog.js';
export type { VisionEncoding, VisionModelDescription } from './model-catalog.js';
// The attention variants' names, defaults and checks (no tfjs): elements check attributes with
// them before any model is built.
export {
  ATTENTION_VARIANTS,
  VARIANT_DEFAULTS,
  resolveVariantOptions,
} from './models/variants/options.js';
export { isFused, resolveAttentionOptions } from './model-catalog.js';
export type { AttentionVariant, VariantOptions } from './models/variants/options.js';
export type { AttentionModelOptions } from './model-catalog.js';
// Each variant's pattern on a small sample's queries and keys, in plain JavaScript, for figures.
export {
  adaptiveSpanPattern,
  approximationError,
  bucketMask,
  exactAttention,
  hashBuckets,
  linformerPattern,
  linformerPatternOf,
  orthogonalFeatures,
  performerPattern,
  randomRotations,
  reformerPattern,
  sequenceProjections,
  variantPattern,
} from './variant-patterns.js';
export type { VariantPattern, VariantPatternOptions } from './variant-patterns.js';
// Inside the approximations, for <efficient-attention-explorer>: their errors, singular values,
// Reformer's kept mass, a pattern's cost and reach.
export {
  attentionError,
  bucketMassShare,
  bucketOrder,
  combineRounds,
  gaussianFeatures,
  linformerApproximation,
  linformerApproximator,
  linformerError,
  lowRankError,
  patternCost,
  patternReach,
  performerApproximation,
  performerApproximator,
  performerErrorCurve,
  randomFeatures,
  reachFrom,
  reformerRound,
  reformerScores,
  runSteps,
  singularValues,
  singularValuesInSteps,
  symmetricEigenvaluesInSteps,
  unitRows,
} from './efficient-attention.js';
export type {
  AttentionError,
  FeatureDraw,
  FeatureKernel,
  PerformerOptions,
  ReformerRound,
} from './efficient-attention.js';
// What each attention variant costs, by formula and as measured curves read (no tfjs).
export {
  COMPLEXITY_TABLE,
  COST_VARIANTS,
  attentionCost,
  crossoverLength,
  formatMs,
  logLogSlope,
  shortLength,
} from './attention-cost.js';
export type {
  AttentionCost,
  ComplexityRow,
  CostParameters,
  CostSample,
  CostVariant,
  Crossover,
} from './attention-cost.js';
