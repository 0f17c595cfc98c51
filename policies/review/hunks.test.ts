import { describe, expect, it } from "vitest";
import { editScript, unifiedHunks } from "./hunks.js";

describe("when computing the edit script", () => {
  it("should keep the longest common subsequence and edit the rest", () => {
    const edits = editScript(["a", "b", "c", "a", "b", "b", "a"], ["c", "b", "a", "b", "a", "c"]);
    // Myers' paper's example: 5 edits (D = 5).
    expect(edits.filter((e) => e.op !== " ").length).toBe(5);
    expect(edits.filter((e) => e.op !== "+").map((e) => e.line)).toEqual(["a", "b", "c", "a", "b", "b", "a"]);
    expect(edits.filter((e) => e.op !== "-").map((e) => e.line)).toEqual(["c", "b", "a", "b", "a", "c"]);
  });
});

describe("when writing hunks", () => {
  it("should give nothing for equal texts", () => {
    expect(unifiedHunks("a\nb\n", "a\nb\n")).toBe("");
  });

  it("should number lines and keep context around each change, splitting distant changes", () => {
    const before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    const after = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
    expect(unifiedHunks(before, after, 2)).toBe("@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n@@ -10,2 +10,3 @@\n j\n k\n+l\n");
  });

  it("should number an added or removed object from line 0 on the empty side", () => {
    expect(unifiedHunks("", "x\ny\n")).toBe("@@ -0,0 +1,2 @@\n+x\n+y\n");
    expect(unifiedHunks("x\ny\n", "")).toBe("@@ -1,2 +0,0 @@\n-x\n-y\n");
  });
});
