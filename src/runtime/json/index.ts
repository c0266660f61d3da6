/** The JSON layer: lossless parsing and Python-exact writing, plus Python-format timestamps. */
export { JsonNumber } from './json-number';
export {
  KEY_ORDER,
  assertJsonValue,
  cloneJson,
  isJsonObject,
  orderedKeys,
  setKeyOrder,
  type JsonObject,
  type JsonValue,
} from './json-value';
export { JsonParseError, parseJson, type ParseJsonOptions } from './parse';
export { formatPyFloat, formatPyNumber } from './py-float';
export { numberFromLexeme } from './number-lexeme';
export {
  canonicalJson,
  compareCodePoints,
  pyJsonDumps,
  quotePyString,
  type CanonicalJsonOptions,
  type PyJsonDumpsOptions,
} from './py-dumps';
export {
  ManualClock,
  formatIsoTimestamp,
  nowIso,
  parseIsoTimestamp,
  systemClock,
  type Clock,
} from './timestamp';
