/**
 * The pure protocol layer: every wire-format decision of PROTOCOL.md as functions over plain data. The proxy
 * wires these to undici and node:http; nothing here does I/O or reads the clock.
 */
export type { JsonObject } from './json';

export type { SseEvent, SseParser } from './sse';
export { createSseParser } from './sse';
export type { SseSplitter } from './sse-split';
export { createSseSplitter, parseSseBlock, peekBlockType } from './sse-split';
export type { ParsedSsePayload } from './sse-events';
export {
  SSE_DONE_FRAME,
  eventTypeOf,
  formatSseData,
  formatSseEvent,
  normalizeEventType,
  parseSsePayload,
} from './sse-events';

export { DEFAULT_WINDOW_MINUTES, normalizeWindows } from './usage-windows';
export type { HeaderBag, PooledRateLimits, RateLimitHeaderInfo } from './rate-limit-headers';
export {
  formatPooledRateLimitHeaders,
  isAccountQuotaHeader,
  parseRateLimitHeaders,
} from './rate-limit-headers';
export type { AdditionalUsage, UsagePayload, UsagePayloadResult } from './usage-payload';
export { parseUsagePayload } from './usage-payload';
export { parseCodexRateLimitsEvent } from './rate-limit-event';

export {
  AUTH_401_CODES,
  DEACTIVATION_CODES,
  NEUTRAL_CODES,
  POOL_SELECTION_CODES,
  QUOTA_CODES,
  REAUTH_CODES,
  REFRESH_AND_RETRY_401_CODES,
  THROTTLE_CODES,
  TRANSIENT_CODES,
  USAGE_LIMIT_CODES,
} from './error-codes';
export {
  formatSeconds,
  MAX_RESET_HORIZON_SECONDS,
  parseRetryAfter,
  parseTryAgainHint,
  validUpstreamReset,
} from './error-hints';
export type { UpstreamErrorDetails, UpstreamErrorInput } from './error-classify';
export {
  classifyErrorDetails,
  classifyNetworkError,
  classifyStreamFailure,
  classifyUpstreamError,
  extractUpstreamError,
  isProgrammingError,
  shouldRefreshAndRetry,
} from './error-classify';
export type { ClientErrorExtra, OpenAiErrorBody } from './client-errors';
export { clientErrorBody, errorTypeForCode, httpStatusForCode, httpStatusForError } from './client-errors';

export type { CodexPersona, ControlHeaderOptions, UpstreamHeaderInput } from './request-headers';
export {
  NATIVE_CODEX_ORIGINATORS,
  buildUpstreamHeaders,
  controlHeaders,
  extractStickyKey,
  isNativeCodexClient,
} from './request-headers';

export type { BodyError, PreparedCompactBody, PreparedResponsesBody } from './responses-body';
export {
  ALLOWED_INCLUDES,
  STRIPPED_RESPONSES_FIELDS,
  prepareCompactBody,
  prepareResponsesBody,
} from './responses-body';
export type { TranslatedChatRequest } from './chat-request';
export { UNSUPPORTED_CHAT_TOOL_TYPES, chatToResponsesRequest } from './chat-request';
export type {
  ChatCompletionChunk,
  ChatDelta,
  ChatFinishReason,
  ChatStreamOptions,
  ChatStreamTranslator,
  ChatToolCallDelta,
} from './chat-stream';
export { createChatStreamTranslator } from './chat-stream';
export type { ChatCompletion, ChatToolCall, CollectChatOptions, CollectResult } from './chat-collect';
export { collectChatCompletion } from './chat-collect';
export { collectResponse } from './response-collect';
export type { ChatUsage } from './stream-shared';
export { TRUNCATED_STREAM_ERROR, mapUsage, streamFailureError } from './stream-shared';

export type { OpenAiModel, OpenAiModelList } from './models';
export { toOpenAiModelList } from './models';

export type { WsClientMessage } from './ws-messages';
export {
  MAX_WS_CREATE_BYTES,
  RELAYED_UPGRADE_HEADERS,
  RESPONSES_WEBSOCKET_BETA,
  isConnectionLimitError,
  isPreviousResponseNotFound,
  oversizeFrameError,
  parseWsClientMessage,
  responseCreateFrame,
  wrappedErrorEvent,
} from './ws-messages';
