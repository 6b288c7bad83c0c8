export { diffDocuments, emptyScope, jsonEqual, type Scope, widenScope } from "./diff";
export {
  type ActionRecord,
  ENTRY_KINDS,
  type EntryKind,
  earliestToggled,
  type LoggedCommand,
  MAX_REBUILD_REACH,
  planToggle,
  type RebuildInput,
  type RebuildResult,
  rebuild,
} from "./rebuild";
