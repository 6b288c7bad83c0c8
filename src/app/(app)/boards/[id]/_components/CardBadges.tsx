import { AlignLeft } from "lucide-react";
import type { ItemNode, LabelNode } from "@/board";
import { formatDay } from "@/board/dates";
import { isOverdue } from "@/board/filter";
import { initials, type People } from "@/lib/people";

/** What a card row shows beyond its text: labels, due date, a description mark, assignees. */
export function CardBadges({
  item,
  labels,
  people,
  today,
}: {
  item: ItemNode;
  labels: Record<string, LabelNode> | undefined;
  people: People;
  today: string;
}) {
  const shownLabels = (item.labels ?? []).flatMap((id) => {
    const label = labels?.[id];
    return label ? [[id, label] as const] : [];
  });
  const assignees = item.assignees ?? [];
  if (shownLabels.length === 0 && !item.due && !item.description && assignees.length === 0) {
    return null;
  }
  const overdue = isOverdue(item, today);
  return (
    <div className="item-meta">
      {shownLabels.map(([id, label]) => (
        <span key={id} className={`chip chip-${label.color}`}>
          {label.name}
        </span>
      ))}
      {item.due && (
        <span
          className={`badge due${overdue ? " overdue" : ""}`}
          title={`Due ${formatDay(item.due)}${overdue ? ", overdue" : ""}`}
        >
          Due {formatDay(item.due, false)}
          {overdue && <span className="visually-hidden">, overdue</span>}
        </span>
      )}
      {item.description && (
        <span className="badge mark" title="Has a description">
          <AlignLeft aria-label="Has a description" size={14} />
        </span>
      )}
      {assignees.length > 0 && (
        <span className="assignees">
          {assignees.map((id) => {
            const name = people.get(id);
            const title = name ?? "Former member";
            return (
              <span
                key={id}
                className={`avatar small${name ? "" : " former"}`}
                title={title}
                role="img"
                aria-label={title}
              >
                {name ? initials(name) : "?"}
              </span>
            );
          })}
        </span>
      )}
    </div>
  );
}
