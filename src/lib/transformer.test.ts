import { describe, expect, it } from "vitest";
import { plainJson, transformer } from "./transformer";

describe("transformer", () => {
  it("sends a value marked plain as it is, and a tracked event ({ id, data }) of one too", () => {
    const changes = plainJson({ from: 3, completions: [{ action: "delete", path: ["x"] }] });
    expect(transformer.serialize(changes)).toEqual({ json: changes });
    const event = { id: "4", data: changes };
    const wire = transformer.serialize(event);
    expect(wire).toEqual({ json: event });
    expect(transformer.deserialize(JSON.parse(JSON.stringify(wire)))).toEqual(event);
  });

  it("walks anything else with superjson, so dates and the like survive", () => {
    const at = new Date("2026-11-29T12:00:00Z");
    const event = { id: "4", data: { at } };
    const wire = transformer.serialize(event) as { meta?: unknown };
    expect(wire.meta).toBeDefined();
    expect(transformer.deserialize(JSON.parse(JSON.stringify(wire)))).toEqual(event);
    // An object shaped like an event but with more fields is not taken for one.
    const other = { id: "4", data: plainJson({}), extra: at };
    expect((transformer.serialize(other) as { meta?: unknown }).meta).toBeDefined();
  });
});
