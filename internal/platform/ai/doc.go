// Package ai owns the invisible validation loop: it asks a language model for
// lists of text items (slots: a name, a count, a rule in words), validates
// every item with rules the caller passes, keeps the valid ones and re-asks
// only for the slots that are still missing or failed, naming each error. It
// knows nothing about ads; the caller's validators carry the domain. Run
// returns the items by slot; RunTyped decodes them into a struct.
//
// The loop is bounded by a repair count, a deadline and a token budget, stops
// early when the model repeats the same mistake, sums usage and cost over all
// attempts and returns a per-attempt report on success and on failure.
// Transport failures (429, 5xx, network) are retried with backoff and never
// count as repairs; truncated output (finish_reason=length) is handled by
// asking for fewer items per call or allowing more output tokens.
//
// Providers implement [Provider]. [OpenAI] speaks the OpenAI chat-completions
// protocol (OpenAI, Azure OpenAI, LiteLLM, Ollama, vLLM); an offline provider
// written by a business slice implements the same interface and is treated
// exactly the same way by the loop. Every call carries the request as data
// too (Call.Input, Want, Accepted, Problems), so such a provider never parses
// the prompt.
package ai
