/* eval_labels.h -- gold classes to allowed taxonomy ids, as the corpus
 * READMEs give them (topics-agnews, industries-reuters) and eval_tags'
 * table for topics-en / topics-zh. For the eval tools and cue_stats;
 * not part of the daemon. Id lists are strings of space-separated ids
 * with a space at both ends (" energy ").
 */
#ifndef SKIMD_EVAL_LABELS_H
#define SKIMD_EVAL_LABELS_H

#include <stddef.h>

/* AG classes: World, Sports, Business, Sci/Tech */
extern const char *const EVAL_AG_CLASS[4];
/* the AG classes of a taxonomy id ("Sci/Tech|Business"), NULL for none */
const char *eval_ag_classes(const char *id);
/* is cls one of the '|'-separated classes? */
int eval_has_class(const char *classes, const char *cls);
/* index in EVAL_AG_CLASS of the first class of classes, -1 */
int eval_class_index(const char *cls);
/* ids AG never accepts (the README's "other" row) */
extern const char EVAL_AG_OTHER[];

typedef struct eval_rt_class { const char *cls, *ids, *topics; } eval_rt_class;
#define EVAL_RT_NCLASS 7
extern const eval_rt_class EVAL_RT_CLASS[EVAL_RT_NCLASS];
extern const char EVAL_RT_USED[];     /* ids the Reuters class table uses */
extern const char EVAL_RT_ABSURD[];   /* ids that fit no Reuters story */
/* Add the ids Reuters topic t allows to allowed (cap bytes), and mark its
 * class's target ids in cls_ids. */
void eval_rt_topic(const char *t, char *allowed, size_t cap, char cls_ids[EVAL_RT_NCLASS][128]);

/* is word in the space-separated list? */
int eval_in_list(const char *list, const char *word);

/* topics-en / topics-zh label -> allowed ids, NULL for an unknown label */
const char *eval_topic_ids(const char *label);
/* every id some topics-en / topics-zh label allows */
extern const char EVAL_TOPIC_IDS[];

#endif
