import type { Policy } from "../lib/types.js";
import { allowedRegistries } from "./allowed-registries/allowed-registries.js";
import { pinnedImages } from "./pinned-images/pinned-images.js";

/** The images policies, one folder each. */
export const IMAGES_POLICIES: readonly Policy[] = [pinnedImages, allowedRegistries];
