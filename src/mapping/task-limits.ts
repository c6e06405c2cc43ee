import { RELATION_LIMIT, RICH_TEXT_ITEMS, TEXT_LIMIT } from '../notion/properties.js';
import { optionName, optionText, type TodoFields } from './task-properties.js';

/*
 * Notion refuses a whole write when one value is over a documented limit (2,000 characters per
 * text object, 100 rich-text objects, 100 relation targets, 100 multi-select options of at most
 * 100 characters each). Rather than hit the limit and lose the task, the fields are cut to fit
 * before any page is touched, and each cut is reported so nothing disappears silently.
 */

/** A title is kept to one text object: long enough for any real title, short enough to show. */
export const TITLE_LIMIT = TEXT_LIMIT;
export const DESCRIPTION_LIMIT = TEXT_LIMIT * RICH_TEXT_ITEMS;
export const OPTION_COUNT_LIMIT = 100;

/** One value shortened to fit, as the WARNING reports it. */
export interface Cut {
  field: string;
  cut: string;
}

function clip(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return text.slice(0, end);
}

/** The fields cut to Notion's limits, and what was cut (pure). */
export function fitToNotion(fields: TodoFields): { fields: TodoFields; cuts: Cut[] } {
  const cuts: Cut[] = [];
  const name = clip(fields.name, TITLE_LIMIT);
  if (name !== fields.name)
    cuts.push({ field: 'content', cut: `title cut from ${fields.name.length} to ${name.length} characters` });
  const description = clip(fields.description, DESCRIPTION_LIMIT);
  if (description !== fields.description)
    cuts.push({
      field: 'description',
      cut: `description cut from ${fields.description.length} to ${description.length} characters`,
    });
  const labels: string[] = [];
  for (const label of fields.labels) {
    const option = optionName(label);
    if (optionText(label) !== option)
      cuts.push({
        field: 'labels',
        cut: `label of ${label.length} characters cut to its first ${option.length}: "${option}"`,
      });
    if (option !== '' && !labels.includes(option)) labels.push(option);
  }
  if (labels.length > OPTION_COUNT_LIMIT)
    cuts.push({
      field: 'labels',
      cut: `${labels.length - OPTION_COUNT_LIMIT} of ${labels.length} labels left out: ${labels.slice(OPTION_COUNT_LIMIT).join(', ').slice(0, 300)}`,
    });
  const areaNames = fields.areaNames.map((n) => clip(n, TEXT_LIMIT));
  if (areaNames.some((n, i) => n !== fields.areaNames[i]))
    cuts.push({ field: 'labels', cut: `area names cut to ${TEXT_LIMIT} characters` });
  if (areaNames.length > RELATION_LIMIT)
    cuts.push({
      field: 'labels',
      cut: `${areaNames.length - RELATION_LIMIT} of ${areaNames.length} areas left out: ${areaNames.slice(RELATION_LIMIT).join(', ').slice(0, 300)}`,
    });
  return {
    fields: {
      ...fields,
      name,
      description,
      labels: labels.slice(0, OPTION_COUNT_LIMIT),
      areaNames: areaNames.slice(0, RELATION_LIMIT),
    },
    cuts,
  };
}
