import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import sharp from "sharp";
import { z } from "zod";
import { readBody, readJson, sendJson } from "../../emulator/http-util";
import { FailureSwitch, recordingAnswers, startDoubleServer, type DoubleServerOptions } from "./double-server";

/**
 * A local ComfyUI server (../../../shared/PLATFORM.md) over real HTTP, as if
 * behind an auth proxy (Bearer key, optional): /prompt validates the graph
 * the way ComfyUI does (unknown node types, missing inputs, links to nodes
 * that do not exist, wrong link types, model files it does not have) and
 * answers 400 with node_errors; /history stays {} until a job finishes;
 * /view serves real PNGs; /upload/image takes multipart images.
 */

export type ComfyuiFailureMode = "rate_limit" | "server_error" | "slow" | "unauthorized" | "bad_shape";
export type ComfyuiEndpoint = "prompt" | "history" | "view" | "upload" | "queue" | "interrupt" | "system_stats";
/** "fail" is an execution error (CUDA out of memory) reported in /history, as ComfyUI does. */
export type ComfyuiOutcome = "succeed" | "fail";

export interface ComfyuiDoubleOptions extends DoubleServerOptions {
  /** Polls of /history before the job finishes; 1 = the first poll sees it. */
  pollsToFinish?: number;
  /** Require `Authorization: Bearer <apiKey>` (an auth proxy); plain ComfyUI has no auth. */
  requireAuth?: boolean;
  slowMs?: number;
  /** Output files disappear (404 on /view) this long after the job finished. */
  resultTtlMs?: number;
  checkpoints?: string[];
  loras?: string[];
  controlnets?: string[];
}

export interface ComfyuiCall {
  method: string;
  path: string;
  status: number;
  endpoint: ComfyuiEndpoint | "other";
}

interface NodeError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

interface Job {
  id: string;
  number: number;
  prompt: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  clientId?: string;
  outcome: ComfyuiOutcome;
  polls: number;
  finishedAt?: number;
  history?: unknown;
}

type InputSpec = { type: string; list?: () => string[]; optional?: boolean };
interface NodeSpec {
  inputs: Record<string, InputSpec>;
  outputs: string[];
  output?: boolean;
}

const SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_sde"];
const SCHEDULERS = ["normal", "karras", "exponential", "sgm_uniform", "simple"];

export async function startComfyuiDouble(options: ComfyuiDoubleOptions = {}) {
  const pollsToFinish = options.pollsToFinish ?? 2;
  const slowMs = options.slowMs ?? 2_000;
  const resultTtlMs = options.resultTtlMs ?? 24 * 3_600_000;
  const requireAuth = options.requireAuth ?? true;
  const apiKey = `comfy_${randomBytes(18).toString("hex")}`;
  const checkpoints = options.checkpoints ?? ["sd_xl_base_1.0.safetensors", "juggernaut-xl.safetensors"];
  const loras = options.loras ?? ["brand-lora.safetensors", "acme-brand-v3.safetensors"];
  const controlnets = options.controlnets ?? ["controlnet-openpose-sdxl.safetensors"];
  // Keyed "type/subfolder/filename".
  const files = new Map<string, { bytes: Buffer; contentType: string; createdAt: number; expires: boolean }>();
  files.set("input//pose-front.png", { bytes: await renderPng(1), contentType: "image/png", createdAt: Date.now(), expires: false });
  const inputNames = () => [...files.keys()].filter((k) => k.startsWith("input/")).map((k) => k.split("/").slice(1).filter(Boolean).join("/"));

  const NODES: Record<string, NodeSpec> = {
    CheckpointLoaderSimple: { inputs: { ckpt_name: { type: "LIST", list: () => checkpoints } }, outputs: ["MODEL", "CLIP", "VAE"] },
    LoraLoader: {
      inputs: { model: { type: "MODEL" }, clip: { type: "CLIP" }, lora_name: { type: "LIST", list: () => loras }, strength_model: { type: "FLOAT" }, strength_clip: { type: "FLOAT" } },
      outputs: ["MODEL", "CLIP"],
    },
    CLIPTextEncode: { inputs: { text: { type: "STRING" }, clip: { type: "CLIP" } }, outputs: ["CONDITIONING"] },
    ControlNetLoader: { inputs: { control_net_name: { type: "LIST", list: () => controlnets } }, outputs: ["CONTROL_NET"] },
    LoadImage: { inputs: { image: { type: "LIST", list: inputNames } }, outputs: ["IMAGE", "MASK"] },
    ControlNetApplyAdvanced: {
      inputs: {
        positive: { type: "CONDITIONING" },
        negative: { type: "CONDITIONING" },
        control_net: { type: "CONTROL_NET" },
        image: { type: "IMAGE" },
        strength: { type: "FLOAT" },
        start_percent: { type: "FLOAT" },
        end_percent: { type: "FLOAT" },
        vae: { type: "VAE", optional: true },
      },
      outputs: ["CONDITIONING", "CONDITIONING"],
    },
    EmptyLatentImage: { inputs: { width: { type: "INT" }, height: { type: "INT" }, batch_size: { type: "INT" } }, outputs: ["LATENT"] },
    KSampler: {
      inputs: {
        model: { type: "MODEL" },
        seed: { type: "INT" },
        steps: { type: "INT" },
        cfg: { type: "FLOAT" },
        sampler_name: { type: "LIST", list: () => SAMPLERS },
        scheduler: { type: "LIST", list: () => SCHEDULERS },
        positive: { type: "CONDITIONING" },
        negative: { type: "CONDITIONING" },
        latent_image: { type: "LATENT" },
        denoise: { type: "FLOAT" },
      },
      outputs: ["LATENT"],
    },
    VAEDecode: { inputs: { samples: { type: "LATENT" }, vae: { type: "VAE" } }, outputs: ["IMAGE"] },
    SaveImage: { inputs: { images: { type: "IMAGE" }, filename_prefix: { type: "STRING" } }, outputs: [], output: true },
    PreviewImage: { inputs: { images: { type: "IMAGE" } }, outputs: [], output: true },
  };

  const jobs = new Map<string, Job>();
  const calls: ComfyuiCall[] = [];
  const failures = new FailureSwitch<ComfyuiEndpoint, ComfyuiFailureMode>();
  const outcomes: ComfyuiOutcome[] = [];
  let submissions = 0;
  let number = 0;
  let outputCounter = 0;

  /** ComfyUI's validate_prompt, for the node types above. */
  const validate = (prompt: unknown): { status: 200 } | { status: 400; body: unknown } => {
    const invalid = (type: string, message: string, details = "") => ({ status: 400 as const, body: { error: { type, message, details, extra_info: {} }, node_errors: [] } });
    if (typeof prompt !== "object" || prompt === null || Array.isArray(prompt)) return invalid("invalid_prompt", "Cannot execute because the prompt is not a graph object.");
    const graph = prompt as Record<string, unknown>;
    const outputs: string[] = [];
    for (const [id, raw] of Object.entries(graph)) {
      const node = z.object({ class_type: z.string(), inputs: z.record(z.string(), z.unknown()) }).safeParse(raw);
      if (!node.success) return invalid("invalid_prompt", "Cannot execute because a node is missing the class_type property.", `Node ID '#${id}'`);
      const spec = NODES[node.data.class_type];
      if (!spec) return invalid("invalid_prompt", `Cannot execute because node ${node.data.class_type} does not exist.`, `Node ID '#${id}'`);
      if (spec.output) outputs.push(id);
    }
    if (outputs.length === 0) return invalid("prompt_no_outputs", "Prompt has no outputs");

    const nodeErrors: Record<string, { errors: NodeError[]; dependent_outputs: string[]; class_type: string }> = {};
    for (const [id, raw] of Object.entries(graph)) {
      const node = raw as { class_type: string; inputs: Record<string, unknown> };
      const spec = NODES[node.class_type];
      const errors: NodeError[] = [];
      for (const [name, input] of Object.entries(spec.inputs)) {
        const value = node.inputs[name];
        const info = { input_name: name };
        if (value === undefined) {
          if (!input.optional) errors.push({ type: "required_input_missing", message: "Required input is missing", details: name, extra_info: info });
          continue;
        }
        if (Array.isArray(value)) {
          const [source, slot] = value as unknown[];
          if (value.length !== 2 || typeof source !== "string" || typeof slot !== "number") {
            errors.push({ type: "bad_linked_input", message: "Bad linked input, must be a length-2 list of [node_id, slot_index]", details: name, extra_info: info });
            continue;
          }
          const target = graph[source] as { class_type: string } | undefined;
          if (!target) {
            errors.push({ type: "exception_during_inner_validation", message: "Exception when validating inner node", details: `${name}: linked node '${source}' does not exist`, extra_info: info });
            continue;
          }
          const received = NODES[target.class_type].outputs[slot];
          if (received !== input.type) {
            errors.push({ type: "return_type_mismatch", message: "Return type mismatch between linked nodes", details: `${name}, received_type(${received ?? "none"}) mismatch input_type(${input.type})`, extra_info: info });
          }
          continue;
        }
        if (input.type === "LIST") {
          const allowed = input.list?.() ?? [];
          if (typeof value !== "string" || !allowed.includes(value)) errors.push({ type: "value_not_in_list", message: "Value not in list", details: `${name}: '${String(value)}' not in ${JSON.stringify(allowed)}`, extra_info: info });
        } else if ((input.type === "INT" && !Number.isInteger(value)) || (input.type === "FLOAT" && typeof value !== "number") || (input.type === "STRING" && typeof value !== "string")) {
          errors.push({ type: "invalid_input_type", message: `Failed to convert an input value to a ${input.type} value`, details: `${name}, ${String(value)}`, extra_info: info });
        } else if (!["INT", "FLOAT", "STRING", "LIST"].includes(input.type)) {
          errors.push({ type: "bad_linked_input", message: `This input must be linked to a ${input.type} output`, details: name, extra_info: info });
        }
      }
      if (errors.length > 0) nodeErrors[id] = { errors, dependent_outputs: outputs, class_type: node.class_type };
    }
    if (Object.keys(nodeErrors).length > 0) {
      return { status: 400, body: { error: { type: "prompt_outputs_failed_validation", message: "Prompt outputs failed validation", details: "", extra_info: {} }, node_errors: nodeErrors } };
    }
    return { status: 200 };
  };

  const finish = async (job: Job) => {
    job.finishedAt = Date.now();
    if (job.outcome === "fail") {
      const sampler = Object.entries(job.prompt).find(([, n]) => n.class_type === "KSampler");
      job.history = {
        prompt: [job.number, job.id, job.prompt, { client_id: job.clientId }, []],
        outputs: {},
        status: {
          status_str: "error",
          completed: false,
          messages: [
            ["execution_start", { prompt_id: job.id, timestamp: Date.now() }],
            [
              "execution_error",
              {
                prompt_id: job.id,
                node_id: sampler?.[0] ?? "9",
                node_type: "KSampler",
                executed: [],
                exception_message: "Allocation on device 0 would exceed allowed memory. (out of memory)\n",
                exception_type: "torch.OutOfMemoryError",
                traceback: ["..."],
                current_inputs: {},
                current_outputs: {},
              },
            ],
          ],
        },
        meta: {},
      };
      return;
    }
    const outputs: Record<string, { images: { filename: string; subfolder: string; type: string }[] }> = {};
    const sampler = Object.values(job.prompt).find((n) => n.class_type === "KSampler");
    const latent = Object.values(job.prompt).find((n) => n.class_type === "EmptyLatentImage");
    const seed = typeof sampler?.inputs.seed === "number" ? sampler.inputs.seed : 0;
    const batch = typeof latent?.inputs.batch_size === "number" ? latent.inputs.batch_size : 1;
    for (const [id, node] of Object.entries(job.prompt)) {
      if (node.class_type !== "SaveImage" && node.class_type !== "PreviewImage") continue;
      const save = node.class_type === "SaveImage";
      const prefix = save && typeof node.inputs.filename_prefix === "string" ? node.inputs.filename_prefix : "ComfyUI_temp";
      const images = [];
      for (let i = 0; i < batch; i++) {
        outputCounter += 1;
        const filename = `${prefix}_${String(outputCounter).padStart(5, "0")}_.png`;
        const type = save ? "output" : "temp";
        files.set(`${type}//${filename}`, { bytes: await renderPng(seed + i), contentType: "image/png", createdAt: Date.now(), expires: true });
        images.push({ filename, subfolder: "", type });
      }
      outputs[id] = { images };
    }
    job.history = {
      prompt: [job.number, job.id, job.prompt, { client_id: job.clientId }, Object.keys(outputs)],
      outputs,
      status: { status_str: "success", completed: true, messages: [["execution_start", { prompt_id: job.id }], ["execution_success", { prompt_id: job.id }]] },
      meta: {},
    };
  };

  const unfinished = () => [...jobs.values()].filter((j) => j.finishedAt === undefined);
  const queueItem = (j: Job) => [j.number, j.id, j.prompt, { client_id: j.clientId }, []];

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<ComfyuiCall["endpoint"]> => {
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    const p = url.pathname;
    const endpoint: ComfyuiEndpoint | undefined =
      p === "/prompt" && method === "POST"
        ? "prompt"
        : p.startsWith("/history/") && method === "GET"
          ? "history"
          : p === "/view" && method === "GET"
            ? "view"
            : p === "/upload/image" && method === "POST"
              ? "upload"
              : p === "/queue"
                ? "queue"
                : p === "/interrupt" && method === "POST"
                  ? "interrupt"
                  : p === "/system_stats" && method === "GET"
                    ? "system_stats"
                    : undefined;
    if (!endpoint) {
      res.writeHead(404, { "content-type": "text/plain" }).end("404: Not Found");
      return "other";
    }
    if (endpoint === "prompt") submissions += 1;
    const failure = failures.take(endpoint);
    if (failure === "unauthorized" || (requireAuth && req.headers.authorization !== `Bearer ${apiKey}`)) {
      res.writeHead(401, { "content-type": "text/plain" }).end("401: Unauthorized");
      return endpoint;
    }
    if (failure === "rate_limit") {
      res.writeHead(429, { "content-type": "text/plain", "retry-after": "2" }).end("429: Too Many Requests");
      return endpoint;
    }
    if (failure === "server_error") {
      res.writeHead(500, { "content-type": "text/plain" }).end("500: Internal Server Error");
      return endpoint;
    }

    let answer: { status: number; body?: unknown; bytes?: { data: Buffer; contentType: string } };
    if (endpoint === "system_stats") {
      answer = {
        status: 200,
        body: {
          system: { os: "posix", comfyui_version: "0.3.40", python_version: "3.12.3", pytorch_version: "2.7.0+cu128", embedded_python: false, argv: ["main.py", "--listen"], ram_total: 68_719_476_736, ram_free: 51_539_607_552 },
          devices: [{ name: "cuda:0 NVIDIA L40S : cudaMallocAsync", type: "cuda", index: 0, vram_total: 48_305_799_168, vram_free: 46_000_000_000, torch_vram_total: 0, torch_vram_free: 0 }],
        },
      };
    } else if (endpoint === "queue") {
      if (method === "POST") {
        const body = z.object({ delete: z.array(z.string()).optional(), clear: z.boolean().optional() }).parse(await readJson(req));
        const running = unfinished()[0];
        for (const job of unfinished()) {
          // Only pending items can be deleted; the running one needs /interrupt.
          if (job !== running && (body.clear || body.delete?.includes(job.id))) jobs.delete(job.id);
        }
        answer = { status: 200 };
      } else {
        const [running, ...pending] = unfinished();
        answer = { status: 200, body: { queue_running: running ? [queueItem(running)] : [], queue_pending: pending.map(queueItem) } };
      }
    } else if (endpoint === "interrupt") {
      const body = z.object({ prompt_id: z.string().optional() }).parse(await readJson(req));
      const running = unfinished()[0];
      if (running && (!body.prompt_id || body.prompt_id === running.id)) {
        running.finishedAt = Date.now();
        running.history = {
          prompt: queueItem(running),
          outputs: {},
          status: { status_str: "error", completed: false, messages: [["execution_start", { prompt_id: running.id }], ["execution_interrupted", { prompt_id: running.id, node_id: "9", node_type: "KSampler", executed: [] }]] },
          meta: {},
        };
      }
      answer = { status: 200 };
    } else if (endpoint === "upload") {
      const raw = await readBody(req, 20_000_000);
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(raw), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData();
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("400: Bad Request");
        return endpoint;
      }
      const image = form.get("image");
      if (!(image instanceof Blob)) {
        res.writeHead(400, { "content-type": "text/plain" }).end("400: Bad Request");
        return endpoint;
      }
      const bytes = Buffer.from(await image.arrayBuffer());
      const format = await sharp(bytes)
        .metadata()
        .then((m) => m.format)
        .catch(() => undefined);
      if (!format) {
        res.writeHead(400, { "content-type": "text/plain" }).end("400: Bad Request");
        return endpoint;
      }
      const subfolder = typeof form.get("subfolder") === "string" ? String(form.get("subfolder")) : "";
      const wanted = image instanceof File && image.name ? image.name : `upload.${format}`;
      let name = wanted;
      // Without overwrite=true ComfyUI renames clashes to "name (1).ext".
      for (let i = 1; form.get("overwrite") !== "true" && files.has(`input/${subfolder}/${name}`); i++) name = wanted.replace(/(\.[^.]+)?$/, ` (${i})$1`);
      files.set(`input/${subfolder}/${name}`, { bytes, contentType: `image/${format}`, createdAt: Date.now(), expires: false });
      answer = { status: 200, body: { name, subfolder, type: "input" } };
    } else if (endpoint === "view") {
      const key = `${url.searchParams.get("type") ?? "output"}/${url.searchParams.get("subfolder") ?? ""}/${url.searchParams.get("filename") ?? ""}`;
      const file = files.get(key);
      if (!file || (file.expires && Date.now() - file.createdAt > resultTtlMs)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("404: Not Found");
        return endpoint;
      }
      answer = { status: 200, bytes: { data: file.bytes, contentType: file.contentType } };
    } else if (endpoint === "history") {
      const id = decodeURIComponent(p.slice("/history/".length));
      const job = jobs.get(id);
      if (job && job.finishedAt === undefined) {
        job.polls += 1;
        // Jobs finish by their own poll count, not strictly in queue order, so one test's unpolled job never blocks another's.
        if (job.polls >= pollsToFinish) await finish(job);
      }
      // ComfyUI answers {} for a prompt that is queued, running or unknown.
      answer = { status: 200, body: job?.history ? { [id]: job.history } : {} };
    } else {
      const parsed = z.object({ prompt: z.unknown(), client_id: z.string().optional() }).safeParse(await readJson(req));
      const verdict = validate(parsed.success ? parsed.data.prompt : undefined);
      if (verdict.status === 400) {
        sendJson(res, 400, verdict.body);
        return endpoint;
      }
      const job: Job = {
        id: randomUUID(),
        number: number++,
        prompt: (parsed.data?.prompt ?? {}) as Job["prompt"],
        clientId: parsed.data?.client_id,
        outcome: outcomes.shift() ?? "succeed",
        polls: 0,
      };
      jobs.set(job.id, job);
      answer = { status: 200, body: { prompt_id: job.id, number: job.number, node_errors: {} } };
    }

    if (failure === "slow") await server.sleep(slowMs);
    if (res.destroyed) return endpoint;
    if (failure === "bad_shape") sendJson(res, 200, { prompt_id: 7, outputs: "none", queue_running: "x", system: null });
    else if (answer.bytes) res.writeHead(200, { "content-type": answer.bytes.contentType, "content-length": answer.bytes.data.length }).end(answer.bytes.data);
    else if (answer.body === undefined) res.writeHead(answer.status).end();
    else sendJson(res, answer.status, answer.body);
    return endpoint;
  };

  const server = await startDoubleServer(
    recordingAnswers(route, (call) => calls.push(call), (res, message) => res.writeHead(500, { "content-type": "text/plain" }).end(message)),
    { port: options.port },
  );

  return {
    url: server.origin,
    apiKey,
    calls,
    /** POST /prompt requests received, accepted or not. */
    get submissions() {
      return submissions;
    },
    jobs: jobs as ReadonlyMap<string, Readonly<Job>>,
    /** Names of files in ComfyUI's input folder (uploads land here). */
    inputFiles: inputNames,
    failNext(mode: ComfyuiFailureMode, opts: { on?: ComfyuiEndpoint | "any"; times?: number } = {}) {
      failures.add(opts.on ?? "any", mode, opts.times ?? 1);
    },
    nextOutcome(outcome: ComfyuiOutcome, times = 1) {
      for (let i = 0; i < times; i++) outcomes.push(outcome);
    },
    /** Deletes output files now (a cleaned output folder): /view answers 404. */
    expireResults() {
      for (const file of files.values()) if (file.expires) file.createdAt = Date.now() - resultTtlMs - 1;
    },
    /** Forgets every job and its history, as a ComfyUI restart does. */
    restart() {
      jobs.clear();
    },
    close: () => server.close(),
  };
}

export type ComfyuiDouble = Awaited<ReturnType<typeof startComfyuiDouble>>;

/** A small real PNG whose colour follows the seed, so "same seed, same bytes" is checkable. */
async function renderPng(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 96, channels: 3, background: { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 197) % 256 } } })
    .png()
    .toBuffer();
}
