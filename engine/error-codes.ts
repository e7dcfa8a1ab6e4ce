/**
 * The one catalog of error codes: every `code` Weir puts in a WeirError, a flow problem or an HTTP
 * error body, with when it is used. Codes are part of the API (clients switch on them): add one here
 * with its line, never rename one. error-codes.test.ts fails on a code used in the source but missing
 * here, and on an entry nothing uses. Pure data, no I/O: the editor may import it.
 *
 * PROBLEM_CODES are what validating a flow reports (`Problem.code`, a node's `check`): a smaller
 * vocabulary, so the validator and the nodes cannot report a run-time failure as a flow problem.
 * Every problem code is also an error code (one problem can be raised on its own, e.g. a JSON body
 * that is not a mapping, or a template file missing at run time), so ERROR_CODES includes them.
 */
export const PROBLEM_CODES = {
  'flow file': {
    yaml_syntax: 'the flow text is not valid YAML (or repeats a key)',
    empty_file: 'the flow file is empty',
    not_a_mapping: 'the flow (file, or JSON body) is not a mapping of keys to values',
    too_deep: 'the flow nests values deeper than the limit (or a YAML alias contains itself)',
    too_many_nodes: 'the flow has more nodes than a flow may have',
    too_many_problems: 'a note at the end of a list cut at the most problems one validation lists',
    unsupported_version: 'the flow declares a `weir:` format version this Weir does not read',
  },
  'flow structure': {
    unknown_field: 'a field the flow format (or a node config) does not have',
    missing_field: 'a required field is absent',
    invalid_field: 'a field of the flow has the wrong type or value',
    invalid_config: "a node's config does not match its type's schema; also a server setting (WEIR_DATABASE_URL) that is not valid",
    invalid_name: 'a name (node, flow, data index) breaks the naming rule',
    reserved_name: 'a node is named with a reserved word (inputs, …)',
    duplicate_node_name: 'two nodes have the same name',
    unknown_node_type: "a node's type is not in the registry",
    validation_failed: 'a check itself failed unexpectedly (a bug in Weir or in a node type)',
    duplicate_chat_marker: 'two inputs (or outputs) carry the same chat marker (is_chat_input, is_chat_history, is_chat_output), or one input carries two',
    invalid_chat_history: 'the input marked is_chat_history is not of type chat_history (or list)',
  },
  references: {
    invalid_reference: 'a `${…}` reference does not parse',
    unknown_node_reference: 'a reference names a node that does not exist',
    unknown_flow_input: 'a reference names a flow input that is not declared',
    unknown_output_field: "a reference reads a field the node's output does not have",
    map_reference_outside_map: 'a `${item}` reference outside the inputs of a node with `map`',
    output_not_reference: 'a flow output is not a reference to a node or an input',
    aggregation_reference: 'a line node, or a flow output, reads an aggregation node (aggregation nodes run once after all lines)',
  },
  graph: {
    unknown_input_port: 'a node binds an input its type does not have',
    missing_required_input: 'a required input of a node is not bound',
    invalid_input_value: "a literal input value does not match the port's schema",
    type_mismatch: 'a reference feeds a port a value of the wrong type',
    invalid_default: "a flow input's default does not match its type",
    invalid_map: '`map.over` is not one reference',
    cycle: 'nodes depend on each other in a cycle',
    unreachable_output: 'a flow output reads a node that can never run',
    unused_node: 'warning: a node feeds no flow output',
    unknown_flow: 'a node runs (or a caller asks for) a flow that does not exist',
    flow_recursion: 'flows call themselves through sub-flow nodes',
  },
  'node config': {
    connection_not_found: 'a named connection does not exist (node config, deployment, API)',
    invalid_url: 'the http node has a literal URL that is not valid',
    invalid_expression: 'a transform expression does not parse or uses what is refused',
    template_syntax: 'a template does not parse',
    template_not_found: 'a template file or an included template does not exist',
    template_outside_flow: 'a template_file points outside the flow folder',
    unknown_deployment: 'warning: a node names a deployment that does not exist (yet: the flow may be deployed later)',
    unknown_index: 'warning: a node names a data index that does not exist (yet)',
  },
} as const satisfies Catalog;

export const ERROR_CODES = {
  ...PROBLEM_CODES,
  general: {
    error: 'a recorded error that was not a WeirError (a library error or a bug); only in serialized errors',
    aborted: 'work stopped by an AbortSignal (an AbortError from a library or a model call)',
    invalid_argument: 'an argument of the CLI or of an internal API (bus counters, locks) is out of range',
    invalid_input: "a run's inputs (flow inputs, CLI --input, an embedding input) are not valid",
    closing: 'the server (or the bus, a model, the job runner) is shutting down; the work was refused or stopped',
  },
  'http api': {
    bad_request: 'hono refused the request (an HTTPException other than 401/413)',
    body_too_large: 'the request body is larger than the route allows',
    method_not_allowed: 'the path exists but not with this method',
    route_not_found: 'no route has this path',
    request_aborted: 'the client closed the request before its body arrived',
    unauthorized: 'a missing or invalid admin token or deployment key',
    rate_limit_exceeded: "a limit the call counts against (a key's rpm or tpm, a flow deployment's rpm, a model deployment's allocation) is used up for this window: 429 with retry-after",
    quota_exceeded: "a model's tokens-per-minute pool has not enough left for an allocation (or would fall below what is allocated)",
    content_filter: "the deployment's content-safety policy filtered the prompt (400, with Azure's innererror naming the categories) or a flow's input or output",
    content_filter_unavailable: "the content-safety policy's remote classifier (an LLM judge, Azure AI Content Safety) failed, timed out or answered what is not a verdict: the call is refused (503, fail closed), naming the policy and classifier",
    safety_policy_not_found: 'no content-safety policy has this name',
    safety_policy_in_use: 'a content-safety policy a deployment uses cannot be deleted',
    blocklist_not_found: 'no custom blocklist has this name',
    blocklist_in_use: 'a blocklist a safety policy names cannot be deleted',
    deployment_in_use: "a deployment a safety policy's LLM judge asks cannot be deleted while the policy names it",
    monitor_not_found: 'the deployment has no monitor',
    evaluator_not_found: 'no shipped evaluator has this name (see flows/evaluators/)',
    compute_exceeded: "a local model deployment would not fit in the memory this instance offers local models (WEIR_COMPUTE_MEMORY_MB)",
    not_token_metered: 'a tokens-per-minute pool or allocation asked of a local model (local models draw on compute)',
    internal_error: 'an unexpected error (a bug); details are in the server log only',
    invalid_json: 'the body is not valid JSON',
    json_too_deep: 'the JSON body nests deeper than the limit',
    invalid_request: 'the body, query or a header is not what the route takes',
    invalid_multipart: 'a multipart body could not be read',
    unsupported_media_type: 'an upload is neither multipart/form-data nor JSON',
    name_mismatch: 'the name in the body differs from the name in the URL',
    draft_changed: "a flow's If-Match no longer matches: it was saved elsewhere since it was loaded",
  },
  'openai api': {
    unsupported_parameter: 'an OpenAI request parameter this server does not support',
    context_length_exceeded: "the messages (plus max_tokens) do not fit the model's context",
    model_not_supported: 'the deployment does not serve this endpoint (chat, completions or embeddings)',
  },
  flows: {
    invalid_flow: 'the flow has validation problems (FlowValidationError, with `problems`) or no name',
    flow_exists: 'a flow with this name already exists',
    flow_not_found: 'no stored flow has this name',
    flow_in_use: 'the flow cannot be deleted: deployments serve it',
    flow_file_unreadable: 'the CLI cannot read a flow file',
    version_not_found: 'the flow has no version with this number',
    not_published: 'a deployment names a flow with no published version',
    duplicate_node_type: 'two node definitions register the same type',
  },
  deployments: {
    deployment_exists: 'a deployment with this name already exists',
    deployment_not_found: 'no deployment has this name',
    invalid_traffic: 'a traffic split names a version twice, or its weights add up to 0',
    version_not_deployed: 'a caller pins (weir-version) a version the deployment does not serve',
    key_not_found: 'no key of this deployment has this id',
    not_a_model_deployment: 'a model-only operation (playground, chat flow) names a flow deployment',
    not_a_chat_model: 'the chat flow generator was given a model that does not chat',
    template_missing: "the chat flow template is missing from this installation",
    template_invalid: 'the generated chat flow does not validate (a bug)',
    flow_template_not_found: 'POST /api/flows names a flow template that does not exist (GET /api/templates lists them)',
  },
  'web apps': {
    not_chat_shaped: "a web app is asked for on a deployment that is neither a chat-shaped flow (the reason names the missing marker or input) nor a chat model",
    app_not_found: 'no enabled web app is served at /apps/{name}',
    invalid_visitor: 'a web app call has no weir-visitor header, or one that is not 16 to 64 characters of A-Z, a-z, 0-9, _ and -',
    conversation_not_found: "no conversation of this visitor has this id (another visitor's is not found either)",
    message_not_found: "no assistant message in this visitor's conversations has this id",
    answer_interrupted: 'the web app page was closed before the answer ended: what was said is stored with this error',
  },
  runs: {
    node_failed: "a node failed with an error that is not a WeirError (a WeirError's own code is kept)",
    node_timeout: "a node did not finish within its timeout",
    run_cancelled: 'the run was cancelled',
    run_deadline_exceeded: 'the run did not finish within its deadline',
    run_failed: 'a run failed and recorded no error of its own',
    run_not_found: 'no run has this id',
    run_not_running: 'a cancel for a run that is no longer running',
    interrupted: "the server stopped before the run finished (marked at the next start), or a job's instance stopped on its last attempt",
    job_timeout: 'a background job was still active past its timeout',
    job_failed: 'a background job failed with an error that is not a WeirError (the last try\'s message is kept)',
    queue_unavailable: 'the job queue (the store or Redis) could not take a job',
    job_lost: "a background job's lease ran out (its instance was too slow to renew it) and another instance took it",
    invalid_node_input: "a node's resolved input does not match its port's schema",
    invalid_metric: 'a node logged a metric (log_metric) without a name or with a value that is not a finite number',
    map_not_array: '`map.over` did not resolve to an array',
    map_too_large: '`map.over` has more items than map.max_items',
    flow_depth_exceeded: 'sub-flows nest deeper than the limit',
    subflow_failed: 'a sub-flow run by a node failed',
  },
  sandbox: {
    sandbox_failed: 'a sandbox thread failed (unknown task kind, or it died)',
    sandbox_input: 'the values could not be handed to a sandbox thread',
    sandbox_out_of_memory: 'an evaluation used more memory than a sandbox thread has',
    sandbox_timeout: "a sandboxed render ran past its deadline (becomes the node's node_timeout)",
    compute_failed: 'a compute worker (embeddings, HNSW builds) failed or returned nothing',
    template_budget: 'a template render ran out of steps, time, output size or range()',
    template_render: 'a template failed while rendering (an undefined name, a bad input value, …)',
    template_unsafe: 'a template asked for what the sandbox refuses (an unsafe attribute, a function)',
    transform_failed: 'a JSONata expression failed while evaluating',
    transform_result_too_large: "a transform's result is larger than a transform may return",
  },
  nodes: {
    empty_prompt: 'a rendered prompt has no message text',
    unsupported_task: "a model does not do what the node (or caller) asks of it (chat, completion, embedding)",
    connection_invalid: "a connection's settings do not fit its use (no base_url, …)",
    http_invalid_url: 'the http node rendered a URL that is not valid http(s)',
    http_url_outside_connection: "the http node's URL is not under its connection's base_url",
    http_target_forbidden: 'the http node refused a private, loopback or link-local address',
    http_invalid_body: 'the http body template did not render valid JSON',
    http_invalid_json: 'an http response said JSON but is not',
    http_status: 'an http response had an error status',
    http_timeout: 'an http request timed out',
    http_request_failed: 'an http request failed (DNS, connection, TLS)',
    http_response_too_large: 'an http response is larger than max_response_bytes',
    http_too_many_redirects: 'an http request redirected more times than allowed',
  },
  models: {
    model_not_found: 'no model (or model deployment) has this id or name',
    model_not_ready: 'a model deployment is not loaded (yet)',
    deployment_failed: 'a model deployment whose model failed to load, named where a working one is needed (the chat flow generator)',
    model_exists: 'weir models add with the id of a built-in model',
    model_disposed: 'a model was unloaded while it was called',
    unloaded: 'a model deployment was removed while it loaded, or no deployment uses the model any more',
    model_file_missing: "a local model's file is gone",
    model_file_not_found: 'llama.cpp was given a model file that does not exist or cannot be read',
    model_files_missing: 'an ONNX model folder lacks files it needs',
    model_files_invalid: "an ONNX model folder's config.json is not valid JSON",
    model_load_failed: 'the inference library could not load a model',
    model_not_local: 'a model that must be a local folder is not (pull it first)',
    model_path_not_found: 'weir models add: no such file or folder',
    model_path_unreadable: 'weir models add: the path cannot be read',
    not_gguf: 'weir models add: the file is not GGUF',
    invalid_gguf: 'a GGUF file whose header cannot be read or that is cut short',
    not_a_model_folder: 'a folder that is not an ONNX model folder',
    invalid_model_folder: "an ONNX model folder's config.json is not valid JSON (weir models add)",
    invalid_model_name: 'weir models add: the name gives an empty id',
    invalid_model: 'a model given to a provider that cannot serve it',
    unsupported_model: 'a model kind Weir does not serve (a reranker GGUF)',
    unsupported_model_source: 'a provider was given a model source it does not load',
    provider_unknown: "no provider is registered for a model's provider name",
    llama_cpp_unavailable: 'llama.cpp could not start',
    generation_failed: 'llama.cpp text generation failed',
    embedding_failed: 'llama.cpp embedding failed',
    embedder_required: 'the extractive model was loaded without the embedding model it ranks with',
    embedder_failed: "the extractive model's embedder answered the wrong number of scores",
    invalid_threads: 'a thread count that is not a positive integer',
    connection_required: 'a remote model without the connection that says where it is',
    remote_misconfigured: "a remote model's connection lacks what its flavour needs (api_version, …)",
  },
  'model downloads': {
    not_pullable: 'weir models pull of a model with nothing to download',
    download_failed: 'the download server answered an error status',
    download_incomplete: 'a download ended before its announced size',
    download_interrupted: 'a download broke off',
    download_stalled: 'a download sent no data for too long',
    checksum_mismatch: "a downloaded file's sha256 is not the expected one",
    network_unreachable: 'the download server cannot be reached',
    pull_cancelled: 'a download was cancelled',
    pull_in_progress: 'a download of the same model is already running (POST /api/models/{id}/pull)',
    pull_not_found: 'no download of that model was started on this server',
    already_downloaded: 'a download asked for a model whose weights are on this machine already',
    model_not_downloaded: 'a model deployed before its weights are on this machine (download it, or weir models add)',
  },
  upstream: {
    upstream_error: 'a remote model server failed (5xx, unknown model, a malformed answer)',
    upstream_rate_limited: 'a remote model server answered 429',
    upstream_rejected: "a remote model server refused the caller's request (400, 413, 422)",
    upstream_timeout: 'a remote model server timed out',
    upstream_unauthorized: "a remote model server refused the connection's api_key",
    upstream_unreachable: 'a remote model server cannot be reached',
  },
  data: {
    index_exists: 'a data index with this name already exists',
    index_not_found: 'no data index has this name',
    index_busy: 'a data index is being written (by this or another process)',
    index_corrupt: "a data index's vector file is corrupt",
    document_not_found: 'the data index has no document with this name',
    job_not_found: 'no ingestion job has this id (in this index)',
    ingest_failed: 'a file could not be ingested (an error that is not a WeirError)',
    cancelled: 'an ingestion job was cancelled (or its index deleted)',
    file_missing: 'the kept copy of a document to reindex is gone',
    file_not_found: 'weir data add: no such file or folder',
    file_too_large: 'a file is larger than a document may be',
    duplicate_file: 'one batch names the same file twice',
    no_files: 'an ingestion with no files',
    too_many_files: 'an ingestion with more files than one job takes',
    unreadable_file: 'a document cannot be read as its type',
    unsupported_file: 'a document type no loader reads',
    invalid_file_name: 'a document name that is empty, too long or escapes its folder',
    invalid_tags: 'document tags that are not short non-empty strings',
    invalid_text_field: 'a text_field that is not a field name',
    invalid_chunk_tokens: 'chunk_tokens out of range',
    invalid_overlap_tokens: 'overlap_tokens out of range',
    invalid_query: 'a search query that does not fit the search mode',
    invalid_vector: 'a query vector of the wrong size, or with a value that is not a finite number',
    dimension_mismatch: "a vector's dimensions differ from its index's",
    invalid_dimensions: 'vector dimensions that are not a positive integer',
    invalid_id: 'a vector id out of range',
    invalid_k: 'a search k that is not a non-negative integer',
    not_an_embedding_model: 'a data index given a model that makes no embeddings',
  },
  evaluation: {
    metric_input_too_large: 'an offline metric (rouge_l, groundedness_offline, a metric node input) was given more text than it compares; refused rather than holding the server',
  },
  'batch runs': {
    invalid_column_mapping: "a batch's column_mapping names an input the flow lacks, or a reference it cannot read",
    mapping_value_missing: "a batch line lacks the column (or the earlier run's line the output) its mapping reads",
    invalid_data_line: 'a batch data line that is not a JSON object (bad JSON, too long, an array…)',
    batch_run_not_found: 'no batch run has this id',
  },
  'store and server': {
    store_closed: 'the store was used after it was closed',
    database_unavailable: 'the database cannot be reached',
    migrations_missing: 'the database migrations are missing from this installation',
    master_key_mismatch: "a connection's secrets cannot be decrypted with this master key",
    invalid_master_key: 'WEIR_MASTER_KEY (or master.key) is not 32 bytes',
    bus_unavailable: 'the bus (Redis) is unavailable',
    port_in_use: 'weir serve: the port is in use',
    cannot_listen: 'weir serve: the address cannot be listened on',
  },
} as const satisfies Catalog;

/** Area → code → when it is used. */
type Catalog = Record<string, Record<string, string>>;
type CodesOf<C extends Catalog> = { [A in keyof C]: keyof C[A] & string }[keyof C];

export type ProblemCode = CodesOf<typeof PROBLEM_CODES>;
export type ErrorCode = CodesOf<typeof ERROR_CODES>;

const problemCodes: ReadonlySet<string> = new Set(Object.values(PROBLEM_CODES).flatMap((area) => Object.keys(area)));
const errorCodes: ReadonlySet<string> = new Set(Object.values(ERROR_CODES).flatMap((area) => Object.keys(area)));

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && errorCodes.has(x);
}

export function isProblemCode(x: unknown): x is ProblemCode {
  return typeof x === 'string' && problemCodes.has(x);
}

/**
 * A code that came from outside this process's types (a run recorded by another Weir version, an
 * event from another instance) as a catalogued code, or `fallback` when it is not one.
 */
export function toErrorCode(x: unknown, fallback: ErrorCode): ErrorCode {
  return isErrorCode(x) ? x : fallback;
}
