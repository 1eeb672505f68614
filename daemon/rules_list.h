/*
 * rules_list.h - the loaded rules and their live figures, as `nvmwatch
 * rules` shows them (the control socket's "rules" and "rules json").
 */
#ifndef NVMWATCHD_RULES_LIST_H
#define NVMWATCHD_RULES_LIST_H

struct buf;
struct engine;

/*
 * An aligned table: a header line, then one line per rule in load order:
 * RULE NAME ID VERSION FILE WINDOW EMIT GROUPS BYTES MATCHED ALERTS.
 * Control characters in names show as '?'; absent values as "-".
 */
void	rules_list_text(struct buf *, const struct engine *);
/* A JSON array of one object per rule, one per line; see nvmwatch(1). */
void	rules_list_json(struct buf *, const struct engine *);

#endif
