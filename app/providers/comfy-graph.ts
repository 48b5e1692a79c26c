import { z } from "zod";

/**
 * ComfyUI API-format graphs for a brand LoRA workflow: validate a template and
 * fill in the recipe's values. Pure (no I/O) so a bad template is caught
 * before it costs a GPU minute, with errors that name the node and field.
 *
 * A graph is `{"<id>": {class_type, inputs}}`; an input that is an array is a
 * link `["<source node id>", outputIndex]` (ComfyUI treats every array input
 * as a link, so we do too).
 */

export type ComfyLink = [string, number];

export interface ComfyNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

export type ComfyGraph = Record<string, ComfyNode>;

export interface ComfyGraphValues {
  positivePrompt: string;
  negativePrompt?: string;
  seed?: number;
  checkpoint?: string;
  loraName?: string;
  /** Applied to both strength_model and strength_clip, as brand LoRAs are trained on both. */
  loraStrength?: number;
  /** A file name in ComfyUI's input folder (after POST /upload/image). */
  poseImage?: string;
  filenamePrefix?: string;
}

export class ComfyGraphError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ComfyGraphError";
  }
}

/** The node types a brand workflow needs; without them the recipe's values have nowhere to go. */
export const REQUIRED_CLASS_TYPES = [
  "CheckpointLoaderSimple",
  "LoraLoader",
  "CLIPTextEncode",
  "ControlNetLoader",
  "ControlNetApplyAdvanced",
  "LoadImage",
  "KSampler",
  "VAEDecode",
  "SaveImage",
] as const;

// ComfyUI's own KSampler seed ceiling is 2^64-1; JSON numbers are exact only up to 2^53-1.
const MAX_SEED = Number.MAX_SAFE_INTEGER;
// LoraLoader's declared range in ComfyUI.
const LORA_STRENGTH_RANGE = [-100, 100] as const;

/** The default brand workflow: SDXL checkpoint, brand LoRA, OpenPose ControlNet, one 832×1216 portrait image. */
export const DEFAULT_BRAND_WORKFLOW: Readonly<ComfyGraph> = Object.freeze({
  "1": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "sd_xl_base_1.0.safetensors" }, _meta: { title: "Checkpoint" } },
  "2": {
    class_type: "LoraLoader",
    inputs: { model: ["1", 0], clip: ["1", 1], lora_name: "brand-lora.safetensors", strength_model: 0.8, strength_clip: 0.8 },
    _meta: { title: "Brand LoRA" },
  },
  "3": { class_type: "CLIPTextEncode", inputs: { text: "", clip: ["2", 1] }, _meta: { title: "Positive prompt" } },
  "4": { class_type: "CLIPTextEncode", inputs: { text: "", clip: ["2", 1] }, _meta: { title: "Negative prompt" } },
  "5": { class_type: "ControlNetLoader", inputs: { control_net_name: "controlnet-openpose-sdxl.safetensors" }, _meta: { title: "Pose ControlNet" } },
  "6": { class_type: "LoadImage", inputs: { image: "pose-front.png" }, _meta: { title: "Pose image" } },
  "7": {
    class_type: "ControlNetApplyAdvanced",
    inputs: { positive: ["3", 0], negative: ["4", 0], control_net: ["5", 0], image: ["6", 0], strength: 0.85, start_percent: 0, end_percent: 1 },
    _meta: { title: "Apply pose" },
  },
  "8": { class_type: "EmptyLatentImage", inputs: { width: 832, height: 1216, batch_size: 1 }, _meta: { title: "Canvas" } },
  "9": {
    class_type: "KSampler",
    inputs: {
      model: ["2", 0],
      seed: 0,
      steps: 30,
      cfg: 6.5,
      sampler_name: "dpmpp_2m",
      scheduler: "karras",
      positive: ["7", 0],
      negative: ["7", 1],
      latent_image: ["8", 0],
      denoise: 1,
    },
    _meta: { title: "Sampler" },
  },
  "10": { class_type: "VAEDecode", inputs: { samples: ["9", 0], vae: ["1", 2] }, _meta: { title: "Decode" } },
  "11": { class_type: "SaveImage", inputs: { images: ["10", 0], filename_prefix: "shotlane" }, _meta: { title: "Save" } },
} satisfies ComfyGraph);

const nodeSchema = z.object({
  class_type: z.string().min(1, "class_type must be a node type name"),
  inputs: z.record(z.string(), z.unknown()),
  _meta: z.object({ title: z.string().optional() }).optional(),
});

function describe(graph: ComfyGraph, id: string): string {
  const node = graph[id];
  return node ? `node ${id} (${node.class_type})` : `node ${id}`;
}

/** Structure and links: every node well-formed, every link `[existing id, output index]`. */
export function validateComfyGraph(template: unknown): ComfyGraph {
  if (typeof template !== "object" || template === null || Array.isArray(template)) {
    throw new ComfyGraphError("The workflow must be an API-format graph object ({\"<id>\": {class_type, inputs}}); export it with “Save (API format)”");
  }
  const graph: ComfyGraph = {};
  for (const [id, raw] of Object.entries(template)) {
    const parsed = nodeSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") || "node";
      throw new ComfyGraphError(`node ${id}: ${field} ${issue?.message ?? "is malformed"}`, id, field);
    }
    graph[id] = parsed.data;
  }
  if (Object.keys(graph).length === 0) throw new ComfyGraphError("The workflow has no nodes");

  for (const [id, node] of Object.entries(graph)) {
    for (const [field, value] of Object.entries(node.inputs)) {
      if (!Array.isArray(value)) continue;
      const [source, output] = value as unknown[];
      if (value.length !== 2 || typeof source !== "string" || typeof output !== "number" || !Number.isInteger(output) || output < 0) {
        throw new ComfyGraphError(`${describe(graph, id)} input "${field}" must be a link ["<node id>", outputIndex]`, id, field);
      }
      if (!graph[source]) throw new ComfyGraphError(`${describe(graph, id)} input "${field}" links to node ${source}, which is not in the graph`, id, field);
      if (source === id) throw new ComfyGraphError(`${describe(graph, id)} input "${field}" links to itself`, id, field);
    }
  }

  const present = new Set(Object.values(graph).map((n) => n.class_type));
  const missing = REQUIRED_CLASS_TYPES.filter((t) => !present.has(t));
  if (missing.length > 0) throw new ComfyGraphError(`The workflow is missing required node type(s): ${missing.join(", ")}`);
  const textEncoders = Object.values(graph).filter((n) => n.class_type === "CLIPTextEncode").length;
  if (textEncoders < 2) throw new ComfyGraphError("The workflow needs two CLIPTextEncode nodes (positive and negative prompt)");
  return graph;
}

function single(graph: ComfyGraph, classType: string): string {
  const ids = Object.keys(graph).filter((id) => graph[id].class_type === classType);
  // More than one would make "the" LoRA or "the" seed ambiguous; brand workflows have one.
  if (ids.length !== 1) throw new ComfyGraphError(`The workflow must have exactly one ${classType} node (found ${ids.length}: ${ids.join(", ") || "none"})`);
  return ids[0];
}

function linkAt(graph: ComfyGraph, id: string, field: string): ComfyLink {
  const value = graph[id].inputs[field];
  if (!Array.isArray(value)) throw new ComfyGraphError(`${describe(graph, id)} input "${field}" must be linked to another node`, id, field);
  return value as ComfyLink;
}

/** Follows a conditioning link back through ControlNetApplyAdvanced to the CLIPTextEncode that starts it. */
function traceTextEncoder(graph: ComfyGraph, from: string, field: "positive" | "negative"): string {
  let [id, output] = linkAt(graph, from, field);
  for (let hops = 0; hops < Object.keys(graph).length; hops++) {
    const node = graph[id];
    if (node.class_type === "CLIPTextEncode") return id;
    if (node.class_type !== "ControlNetApplyAdvanced") {
      throw new ComfyGraphError(`${describe(graph, from)} input "${field}" must come from a CLIPTextEncode (optionally through ControlNetApplyAdvanced), not ${describe(graph, id)}`, from, field);
    }
    // ControlNetApplyAdvanced outputs 0 = positive, 1 = negative.
    [id, output] = linkAt(graph, id, output === 0 ? "positive" : "negative");
  }
  throw new ComfyGraphError(`${describe(graph, from)} input "${field}" is part of a cycle`, from, field);
}

function checkValues(values: ComfyGraphValues): void {
  if (typeof values.positivePrompt !== "string" || values.positivePrompt.trim() === "") throw new ComfyGraphError("positivePrompt must not be empty", undefined, "positivePrompt");
  if (values.seed !== undefined && (!Number.isInteger(values.seed) || values.seed < 0 || values.seed > MAX_SEED)) {
    throw new ComfyGraphError(`seed must be a whole number from 0 to ${MAX_SEED}`, undefined, "seed");
  }
  const [min, max] = LORA_STRENGTH_RANGE;
  if (values.loraStrength !== undefined && (!Number.isFinite(values.loraStrength) || values.loraStrength < min || values.loraStrength > max)) {
    throw new ComfyGraphError(`loraStrength must be a number from ${min} to ${max}`, undefined, "loraStrength");
  }
  for (const field of ["checkpoint", "loraName", "poseImage", "filenamePrefix"] as const) {
    const value = values[field];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) throw new ComfyGraphError(`${field} must be a non-empty file name`, undefined, field);
  }
}

/**
 * Validates a brand workflow template and returns a filled copy (the template
 * is never modified): checkpoint, LoRA name and strength, positive and
 * negative prompt, seed and pose image.
 */
export function fillComfyGraph(template: unknown, values: ComfyGraphValues): ComfyGraph {
  checkValues(values);
  const graph = structuredClone(validateComfyGraph(template));

  const checkpoint = single(graph, "CheckpointLoaderSimple");
  const lora = single(graph, "LoraLoader");
  const sampler = single(graph, "KSampler");
  const controlNet = single(graph, "ControlNetApplyAdvanced");
  const positive = traceTextEncoder(graph, sampler, "positive");
  const negative = traceTextEncoder(graph, sampler, "negative");
  if (positive === negative) throw new ComfyGraphError(`${describe(graph, sampler)} positive and negative come from the same ${describe(graph, positive)}`, sampler, "negative");
  const [poseId] = linkAt(graph, controlNet, "image");
  if (graph[poseId].class_type !== "LoadImage") {
    throw new ComfyGraphError(`${describe(graph, controlNet)} input "image" must come from a LoadImage node (the pose image), not ${describe(graph, poseId)}`, controlNet, "image");
  }

  graph[positive].inputs.text = values.positivePrompt;
  graph[negative].inputs.text = values.negativePrompt ?? "";
  if (values.seed !== undefined) graph[sampler].inputs.seed = values.seed;
  if (values.checkpoint !== undefined) graph[checkpoint].inputs.ckpt_name = values.checkpoint;
  if (values.loraName !== undefined) graph[lora].inputs.lora_name = values.loraName;
  if (values.loraStrength !== undefined) {
    graph[lora].inputs.strength_model = values.loraStrength;
    graph[lora].inputs.strength_clip = values.loraStrength;
  }
  if (values.poseImage !== undefined) graph[poseId].inputs.image = values.poseImage;
  if (values.filenamePrefix !== undefined) {
    for (const node of Object.values(graph)) if (node.class_type === "SaveImage") node.inputs.filename_prefix = values.filenamePrefix;
  }
  return graph;
}
