// Streams one completion from BASE_URL (the server's root, e.g. http://127.0.0.1:8080) through
// the official OpenAI SDK, unchanged, and prints a JSON summary: chunks, text, usage,
// finish_reason, time to the first content and to the end. See args.mjs for the arguments;
// `--api completions` uses the legacy completions API, `--no-stream` one plain response.
import OpenAI from 'openai';

import { millisSince, run } from './args.mjs';

run(async ({ baseUrl, maxTokens, headers, stream, api, warmup }) => {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: 'test', maxRetries: 0 });
  const options = { headers };
  if (warmup) {
    await client.chat.completions.create(
      { model: 'stampede-mock', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-stampede-profile': 'instant' } });
  }
  const start = process.hrtime.bigint();
  const summary = { api, chunks: 0, content_chunks: 0, text: '', usage: null,
                    finish_reason: null, ttft_ms: null, total_ms: null };
  if (!stream) {
    const response = api === 'completions'
      ? await client.completions.create(
          { model: 'stampede-mock', prompt: 'Tell me about the sea.', max_tokens: maxTokens },
          options)
      : await client.chat.completions.create(
          { model: 'stampede-mock', max_tokens: maxTokens,
            messages: [{ role: 'user', content: 'Tell me about the sea.' }] },
          options);
    summary.total_ms = millisSince(start);
    const choice = response.choices[0];
    summary.text = api === 'completions' ? choice.text : choice.message.content;
    summary.usage = response.usage;
    summary.finish_reason = choice.finish_reason;
    summary.object = response.object;
    summary.model = response.model;
    return summary;
  }
  const chunks = api === 'completions'
    ? await client.completions.create(
        { model: 'stampede-mock', prompt: 'Tell me about the sea.', max_tokens: maxTokens,
          stream: true, stream_options: { include_usage: true } },
        options)
    : await client.chat.completions.create(
        { model: 'stampede-mock', max_tokens: maxTokens, stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'Tell me about the sea.' }] },
        options);
  for await (const chunk of chunks) {
    summary.chunks += 1;
    summary.object = chunk.object;
    summary.model = chunk.model;
    if (chunk.usage) summary.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const content = api === 'completions' ? choice.text : choice.delta?.content;
    if (content) {
      if (summary.ttft_ms === null) summary.ttft_ms = millisSince(start);
      summary.content_chunks += 1;
      summary.text += content;
    }
    if (choice.delta?.role) summary.role = choice.delta.role;
    if (choice.finish_reason) summary.finish_reason = choice.finish_reason;
  }
  summary.total_ms = millisSince(start);
  return summary;
});
