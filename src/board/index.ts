/**
 * A board's shape, in one place for the browser and the server: the props of the board, its lists
 * and items (zod schemas, with the limits and messages the server's rules answer with), the types
 * inferred from them, where things are (paths), the empty board, item counting and ordering.
 */
export { type BoardChange, compareBoards, describeChange } from "./compare";
export { asBoard, countItems, emptyBoard } from "./document";
export { orderAtEnd, ordered, orderedAt, orderForDrop, orderForMove } from "./order";
export { type BoardPlace, boardPath, placeOf } from "./paths";
export {
  BOARD_FULL_MESSAGE,
  BOARD_LIMITS,
  type BoardDoc,
  type BoardProps,
  boardProps,
  type ItemNode,
  type ItemProps,
  isCalendarDate,
  itemProps,
  LABEL_COLORS,
  LABELS_FULL_MESSAGE,
  type LabelColor,
  type LabelNode,
  type LabelProps,
  type ListNode,
  type ListProps,
  labelProps,
  listProps,
  NOT_MEMBERS_MESSAGE,
  propsProblem,
  UNKNOWN_LABELS_MESSAGE,
} from "./schema";
export { type CommandTarget, commandTarget } from "./targets";
