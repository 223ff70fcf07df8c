// The edge's own HTTP/1.1 reader for common requests, and the request/response shapes the
// pipeline uses for both it and node:http.
export { FastConnection, type FastConnectionOptions } from './connection.ts';
export { parseRequestHead, INCOMPLETE, UNSUPPORTED, MAX_HEAD_BYTES, type RequestHead } from './request-head.ts';
export { checkRequestTarget, refuseTarget } from './request-target.ts';
export { BodyDeadlines, CLIENT_TIMEOUT_DEFAULTS, sweepPeriod, type ClientTimeouts } from './timeouts.ts';
export { requestBody, type ClientRequest, type ClientResponse } from './types.ts';
