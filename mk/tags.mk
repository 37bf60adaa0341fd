# Facet tags and events: evaluation on the developer corpora.
# `make eval-tags` prints topic agreement (topics-zh, topics-en), event
# recall / precision / date accuracy (events-zh), industry tags on English
# newswire (topics-agnews, industries-reuters) and event dates and
# whole-sentence events (events-en), the last three scored as their
# corpus READMEs say. CORPUS=../shared/corpus.
CORPUS ?= ../shared/corpus
EVAL_PAGE := tools/eval_page.c tools/eval_page.h tools/eval_labels.c tools/eval_labels.h

$(BUILD)/tools/eval_tags: tools/eval_tags.c $(EVAL_PAGE) $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tools/eval_page.c tools/eval_labels.c $(BUILD)/libskimd.a $(LDLIBS)

$(BUILD)/tools/cue_stats: tools/cue_stats.c $(EVAL_PAGE) $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tools/eval_page.c tools/eval_labels.c $(BUILD)/libskimd.a $(LDLIBS)

# data/cue-stats.tsv: how often each taxonomy term occurs in dev-set
# articles of classes its tag does not fit (the tagger's "weak" terms)
.PHONY: tag-stats
tag-stats: $(BUILD)/tools/cue_stats
	./$(BUILD)/tools/cue_stats --data data $(CORPUS) > data/cue-stats.tsv.tmp
	mv data/cue-stats.tsv.tmp data/cue-stats.tsv

$(BUILD)/tools/eval_news: tools/eval_news.c $(EVAL_PAGE) $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tools/eval_page.c tools/eval_labels.c $(BUILD)/libskimd.a $(LDLIBS)

$(BUILD)/tools/eval_events_en: tools/eval_events_en.c $(EVAL_PAGE) $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tools/eval_page.c tools/eval_labels.c $(BUILD)/libskimd.a $(LDLIBS)

eval-tags: $(BUILD)/tools/eval_tags $(BUILD)/tools/eval_news $(BUILD)/tools/eval_events_en
	./$(BUILD)/tools/eval_tags $(CORPUS)
	./$(BUILD)/tools/eval_news --data data $(CORPUS)
	./$(BUILD)/tools/eval_events_en --data data $(CORPUS)
