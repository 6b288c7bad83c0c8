export { diffDocuments, emptyScope, jsonEqual, type Scope, widenScope } from "./diff";
export {
  type ActionRecord,
  ENTRY_KINDS,
  type EntryKind,
  type LoggedCommand,
  planToggle,
  type RebuildInput,
  type RebuildResult,
  rebuild,
} from "./rebuild";
