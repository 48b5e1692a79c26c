import { describe, expect, it } from "vitest";
import { ComfyGraphError, DEFAULT_BRAND_WORKFLOW, fillComfyGraph, validateComfyGraph, type ComfyGraph } from "./comfy-graph";

const values = {
  positivePrompt: "studio photo of a model wearing a linen shirt",
  negativePrompt: "blurry, extra fingers",
  seed: 424242,
  checkpoint: "juggernaut-xl.safetensors",
  loraName: "acme-brand-v3.safetensors",
  loraStrength: 0.65,
  poseImage: "pose-side.png",
};

function template(): ComfyGraph {
  return structuredClone(DEFAULT_BRAND_WORKFLOW) as ComfyGraph;
}

function errorOf(fn: () => unknown): ComfyGraphError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ComfyGraphError) return error;
    throw error;
  }
  throw new Error("expected a ComfyGraphError");
}

describe("fillComfyGraph", () => {
  it("sets checkpoint, LoRA, prompts, seed and pose image on the right nodes", () => {
    const graph = fillComfyGraph(DEFAULT_BRAND_WORKFLOW, values);
    expect(graph["1"].inputs.ckpt_name).toBe("juggernaut-xl.safetensors");
    expect(graph["2"].inputs).toMatchObject({ lora_name: "acme-brand-v3.safetensors", strength_model: 0.65, strength_clip: 0.65 });
    expect(graph["3"].inputs.text).toBe(values.positivePrompt);
    expect(graph["4"].inputs.text).toBe("blurry, extra fingers");
    expect(graph["9"].inputs.seed).toBe(424242);
    expect(graph["6"].inputs.image).toBe("pose-side.png");
    // Links survive untouched.
    expect(graph["9"].inputs.positive).toEqual(["7", 0]);
  });

  it("never modifies the template", () => {
    const before = JSON.stringify(DEFAULT_BRAND_WORKFLOW);
    fillComfyGraph(DEFAULT_BRAND_WORKFLOW, values);
    expect(JSON.stringify(DEFAULT_BRAND_WORKFLOW)).toBe(before);
  });

  it("finds the prompts by tracing the sampler's links, not by node order", () => {
    const graph = template();
    // Swap which encoder is positive: the sampler's positive now starts at node 4.
    graph["7"].inputs.positive = ["4", 0];
    graph["7"].inputs.negative = ["3", 0];
    const filled = fillComfyGraph(graph, values);
    expect(filled["4"].inputs.text).toBe(values.positivePrompt);
    expect(filled["3"].inputs.text).toBe("blurry, extra fingers");
  });

  it("keeps template values that are not given", () => {
    const graph = fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { positivePrompt: "a coat" });
    expect(graph["2"].inputs.lora_name).toBe("brand-lora.safetensors");
    expect(graph["9"].inputs.seed).toBe(0);
    expect(graph["4"].inputs.text).toBe("");
  });

  it("names the node and field of a link that points nowhere", () => {
    const graph = template();
    graph["10"].inputs.vae = ["99", 2];
    const error = errorOf(() => fillComfyGraph(graph, values));
    expect(error.message).toBe('node 10 (VAEDecode) input "vae" links to node 99, which is not in the graph');
    expect(error).toMatchObject({ nodeId: "10", field: "vae" });
  });

  it("rejects malformed links", () => {
    const graph = template();
    graph["9"].inputs.latent_image = ["8"];
    expect(errorOf(() => fillComfyGraph(graph, values)).message).toContain('node 9 (KSampler) input "latent_image" must be a link');
    const negative = template();
    negative["9"].inputs.model = ["2", -1];
    expect(errorOf(() => fillComfyGraph(negative, values))).toMatchObject({ nodeId: "9", field: "model" });
  });

  it("names missing required node types", () => {
    const graph = template();
    delete graph["5"];
    graph["7"].inputs.control_net = ["1", 0];
    expect(errorOf(() => fillComfyGraph(graph, values)).message).toBe("The workflow is missing required node type(s): ControlNetLoader");
  });

  it("rejects a node without class_type or inputs, naming it", () => {
    const graph: Record<string, unknown> = template();
    graph["12"] = { inputs: {} };
    expect(errorOf(() => validateComfyGraph(graph))).toMatchObject({ nodeId: "12", field: "class_type" });
    graph["12"] = { class_type: "PreviewImage" };
    expect(errorOf(() => validateComfyGraph(graph))).toMatchObject({ nodeId: "12", field: "inputs" });
  });

  it("rejects something that is not a graph", () => {
    expect(errorOf(() => fillComfyGraph([], values)).message).toContain("API-format graph");
    expect(errorOf(() => fillComfyGraph({}, values)).message).toBe("The workflow has no nodes");
  });

  it("refuses an ambiguous second LoRA loader", () => {
    const graph = template();
    graph["12"] = structuredClone(graph["2"]);
    expect(errorOf(() => fillComfyGraph(graph, values)).message).toBe("The workflow must have exactly one LoraLoader node (found 2: 2, 12)");
  });

  it("requires the pose to come from a LoadImage", () => {
    const graph = template();
    graph["7"].inputs.image = ["10", 0];
    expect(errorOf(() => fillComfyGraph(graph, values))).toMatchObject({ nodeId: "7", field: "image" });
  });

  it("rejects a sampler whose positive is not a text encoder", () => {
    const graph = template();
    graph["9"].inputs.positive = ["8", 0];
    const error = errorOf(() => fillComfyGraph(graph, values));
    expect(error.message).toContain("must come from a CLIPTextEncode");
    expect(error).toMatchObject({ nodeId: "9", field: "positive" });
  });

  it("validates the values", () => {
    expect(errorOf(() => fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { ...values, seed: -1 }))).toMatchObject({ field: "seed" });
    expect(errorOf(() => fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { ...values, seed: 1.5 }))).toMatchObject({ field: "seed" });
    expect(errorOf(() => fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { ...values, loraStrength: Number.NaN }))).toMatchObject({ field: "loraStrength" });
    expect(errorOf(() => fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { ...values, positivePrompt: "  " }))).toMatchObject({ field: "positivePrompt" });
    expect(errorOf(() => fillComfyGraph(DEFAULT_BRAND_WORKFLOW, { ...values, loraName: "" }))).toMatchObject({ field: "loraName" });
  });
});
