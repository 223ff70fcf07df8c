// How the control API logs its own requests. fastify's default writes two info lines per call
// ("incoming request", "request completed"), so a dashboard polling health or a deploy script
// filled an operator's log with lines about the log's own readers. Here: one line per request,
// at debug (`--log-level debug` shows them), with what an access log line has (method, URL,
// status, time); a request that failed on the server still logs at error, as fastify does.
// 4xx answers are the client's mistake and are part of that one debug line, not info lines.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class ApiRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...fields, err: error }, 'API request failed');
    else reply.log.debug(fields, 'API request');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) reply.log.error({ err: error, method: request.method, url: request.url }, error.message);
  }

  override routeNotFound(): void {}
}
