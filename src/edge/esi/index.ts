// Edge Side Includes, Fastly's subset: the tokenizer, page assembly and its bounds.
export { EsiTokenizer, MAX_TAG, type EsiEvent } from './tokenizer.ts';
export { assemble, type Fragment, type Includer } from './assemble.ts';
export { MAX_ESI_DEPTH, MAX_ESI_INCLUDES, EsiBudget, resolveInclude } from './bounds.ts';
export { FragmentResponse } from './fragment-response.ts';
