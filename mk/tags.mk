# Facet tags and events: evaluation on the developer corpora.
# `make eval-tags` prints topic agreement (topics-zh, topics-en) and event
# recall / precision / date accuracy (events-zh). CORPUS=../shared/corpus.
CORPUS ?= ../shared/corpus

$(BUILD)/tools/eval_tags: tools/eval_tags.c $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS)

eval-tags: $(BUILD)/tools/eval_tags
	./$(BUILD)/tools/eval_tags $(CORPUS)
