// Streams one message from BASE_URL (the server's root, e.g. http://127.0.0.1:8080) through
// the official Anthropic SDK (messages.stream), unchanged, and prints a JSON summary: events by
// type, text, usage, stop_reason, time to the first text and to the end. See args.mjs for the
// arguments; `--no-stream` asks for one plain response.
import Anthropic from '@anthropic-ai/sdk';

import { millisSince, run } from './args.mjs';

run(async ({ baseUrl, maxTokens, headers, stream, warmup }) => {
  const client = new Anthropic({ baseURL: baseUrl, apiKey: 'test', maxRetries: 0 });
  const request = { model: 'claude-mock', max_tokens: maxTokens,
                    messages: [{ role: 'user', content: 'Tell me about the sea.' }] };
  if (warmup) {
    await client.messages
      .stream({ ...request, max_tokens: 1 }, { headers: { 'x-stampede-profile': 'instant' } })
      .finalMessage();
  }
  const start = process.hrtime.bigint();
  const summary = { events: {}, event_count: 0, text: '', usage: null, stop_reason: null,
                    ttft_ms: null, total_ms: null };
  if (!stream) {
    const message = await client.messages.create(request, { headers });
    summary.total_ms = millisSince(start);
    summary.text = message.content.map((block) => block.text ?? '').join('');
    summary.usage = message.usage;
    summary.stop_reason = message.stop_reason;
    summary.type = message.type;
    summary.model = message.model;
    return summary;
  }
  const events = client.messages.stream(request, { headers });
  events.on('text', () => {
    if (summary.ttft_ms === null) summary.ttft_ms = millisSince(start);
  });
  for await (const event of events) {
    summary.event_count += 1;
    summary.events[event.type] = (summary.events[event.type] ?? 0) + 1;
  }
  const message = await events.finalMessage();
  summary.total_ms = millisSince(start);
  summary.text = message.content.map((block) => block.text ?? '').join('');
  summary.usage = message.usage;
  summary.stop_reason = message.stop_reason;
  summary.type = message.type;
  summary.model = message.model;
  return summary;
});
