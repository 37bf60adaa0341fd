/* eval_labels.c -- the corpus READMEs' label tables, shared by the eval
 * tools and tools/cue_stats.c: which taxonomy ids each gold class allows
 * (topics-agnews, industries-reuters, topics-en, topics-zh). Copied from
 * the set READMEs (and, for topics-en/zh, eval_tags' own table); not part
 * of the daemon.
 */
#include "tools/eval_labels.h"

#include <stdio.h>
#include <string.h>

const char *const EVAL_AG_CLASS[4] = {"World", "Sports", "Business", "Sci/Tech"};

/* taxonomy id -> AG classes (first listed first), README's table */
static const struct { const char *id; const char *cls; } AG_MAP[] = {
    {"government", "World"}, {"defense", "World"}, {"legal", "World"}, {"publicsafety", "World"},
    {"sports", "Sports"}, {"football", "Sports"}, {"basketball", "Sports"}, {"tennis", "Sports"},
    {"finance", "Business"}, {"fintech", "Business"}, {"bank", "Business"}, {"securities", "Business"},
    {"insurance", "Business"}, {"economy", "Business"}, {"retail", "Business"},
    {"manufacturing", "Business"}, {"energy", "Business"}, {"realestate", "Business"},
    {"transport", "Business"}, {"aviation", "Business"}, {"logistics", "Business"},
    {"tourism", "Business"}, {"food", "Business"}, {"agriculture", "Business"}, {"auto", "Business"},
    {"chemicals", "Business"}, {"steel", "Business"}, {"mining", "Business"},
    {"advertising", "Business"}, {"media", "Business"}, {"fashion", "Business"},
    {"internet", "Sci/Tech"}, {"ai", "Sci/Tech"}, {"software", "Sci/Tech"}, {"semis", "Sci/Tech"},
    {"electronics", "Sci/Tech"}, {"telecom", "Sci/Tech"}, {"games", "Sci/Tech"},
    {"science", "Sci/Tech"}, {"space", "Sci/Tech"},
    {"ecommerce", "Sci/Tech|Business"}, {"pharma", "Business|Sci/Tech"},
    {"biotech", "Sci/Tech|Business"}, {"healthcare", "Sci/Tech|Business"},
    {"environment", "Sci/Tech|World"},
};

const char *eval_ag_classes(const char *id)
{
    for (size_t i = 0; i < sizeof AG_MAP / sizeof *AG_MAP; i++)
        if (!strcmp(AG_MAP[i].id, id))
            return AG_MAP[i].cls;
    return NULL;
}

int eval_has_class(const char *classes, const char *cls)
{
    size_t n = strlen(cls);
    for (const char *p = classes; p && *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, cls, n))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

int eval_class_index(const char *cls)
{
    for (int k = 0; k < 4; k++)
        if (!strncmp(EVAL_AG_CLASS[k], cls, strlen(EVAL_AG_CLASS[k])))
            return k;
    return -1;
}

/* class -> its ids; topics of the class */
const eval_rt_class EVAL_RT_CLASS[EVAL_RT_NCLASS] = {
    {"energy", " energy ", " crude nat-gas gas fuel heat jet naphtha propane "},
    {"petrochemicals", " chemicals energy ", " pet-chem "},
    {"agriculture", " agriculture food ",
     " grain wheat corn barley oat rye rice sorghum oilseed soybean rapeseed sunseed groundnut copra-cake "
     "cottonseed cotton meal-feed soy-meal sun-meal coconut potato rubber sugar cocoa coffee tea orange "
     "veg-oil palm-oil soy-oil sun-oil rape-oil coconut-oil cotton-oil groundnut-oil lin-oil castor-oil "
     "palmkernel livestock l-cattle f-cattle hog carcass wool "},
    {"metals", " steel mining ",
     " alum copper iron-steel lead nickel tin zinc strategic-metal gold silver platinum palladium "},
    {"money", " finance bank securities economy ",
     " money-fx interest money-supply reserves dlr yen dmk stg nzdlr austdlr dfl sfr nkr rand can hk lit "
     "peseta bfr dkr ringgit rupiah cruzado escudo drachma mexpeso saudriyal krone "},
    {"macro", " economy ",
     " gnp cpi wpi ipi jobs bop trade income instal-debt lei cpu inventories retail housing capacity "},
    {"shipping", " transport logistics ", " ship "},
};

/* a topic's extra ids */
static const struct { const char *topic, *ids; } RT_EXTRA[] = {
    {"retail", " retail "}, {"housing", " realestate "}, {"ipi", " manufacturing "},
    {"cpu", " manufacturing "}, {"instal-debt", " bank finance "}, {"jet", " aviation "},
};

const char EVAL_RT_USED[] = " agriculture aviation bank chemicals economy energy finance food logistics "
                              "manufacturing mining realestate retail securities steel transport ";
const char EVAL_RT_ABSURD[] = " fashion sports football basketball tennis lottery games music film "
                                "entertainment culture ";

int eval_in_list(const char *list, const char *word)
{
    char key[80];
    int n = snprintf(key, sizeof key, " %s ", word);
    return n > 0 && (size_t)n < sizeof key && strstr(list, key);
}

/* Append the ids of topic `t` to allowed; mark its class in cls_ids. */
void eval_rt_topic(const char *t, char *allowed, size_t cap, char cls_ids[EVAL_RT_NCLASS][128])
{
    char key[64];
    snprintf(key, sizeof key, " %s ", t);
    for (size_t c = 0; c < EVAL_RT_NCLASS; c++) {
        if (!strstr(EVAL_RT_CLASS[c].topics, key))
            continue;
        strncat(allowed, EVAL_RT_CLASS[c].ids, cap - strlen(allowed) - 1);
        if (!cls_ids[c][0])
            snprintf(cls_ids[c], sizeof cls_ids[c], "%s", EVAL_RT_CLASS[c].ids);
        for (size_t x = 0; x < sizeof RT_EXTRA / sizeof *RT_EXTRA; x++)
            if (!strcmp(RT_EXTRA[x].topic, t)) {
                strncat(allowed, RT_EXTRA[x].ids, cap - strlen(allowed) - 1);
                strncat(cls_ids[c], RT_EXTRA[x].ids, sizeof cls_ids[c] - strlen(cls_ids[c]) - 1);
            }
    }
    if (!strcmp(t, "earn") || !strcmp(t, "acq"))
        strncat(allowed, " finance securities ", cap - strlen(allowed) - 1);
}

typedef struct map_row { const char *label; const char *ids; } map_row;

/* label -> our industry tag ids (space separated) */
static const map_row MAP[] = {
    {"体育", " sports football basketball tennis "},
    {"娱乐", " entertainment film music fashion culture "},
    {"彩票", " lottery "},
    {"房产", " realestate "},
    {"教育", " education "},
    {"游戏", " games "},
    {"科技", " internet ai electronics software telecom semis ecommerce space biotech science "},
    {"股票", " securities finance bank fintech economy "},
    {"business", " economy finance bank securities insurance fintech retail energy aviation auto manufacturing "
                 "steel mining food chemicals transport logistics tourism pharma advertising agriculture "
                 "realestate ecommerce "},
    {"entertainment", " entertainment film music fashion culture media "},
    {"politics", " government legal defense "},
    {"sport", " sports football basketball tennis "},
    {"tech", " internet ai electronics software telecom semis games ecommerce "},
};

const char *eval_topic_ids(const char *label)
{
    for (size_t i = 0; i < sizeof MAP / sizeof *MAP; i++)
        if (!strcmp(MAP[i].label, label))
            return MAP[i].ids;
    return NULL;
}


const char EVAL_AG_OTHER[] = " education lottery entertainment film music culture ";

const char EVAL_TOPIC_IDS[] = " sports football basketball tennis entertainment film music fashion culture lottery "
                              "realestate education games internet ai electronics software telecom semis ecommerce "
                              "space biotech science securities finance bank fintech economy insurance retail "
                              "energy aviation auto manufacturing steel mining food chemicals transport logistics "
                              "tourism pharma advertising agriculture media government legal defense ";
