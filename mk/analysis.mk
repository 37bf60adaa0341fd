# Text analysis (issue 4): IDF tables, evaluation and benchmark.
#   make analysis-idf    rebuild data/idf-zh.tsv and data/idf-en.tsv from $(CORPUS)
#   make eval-analysis   keyword P/R/F1@10 and summary ROUGE vs baselines
#   make bench           (adds) analysis time per article, lexicon memory
CORPUS ?= ../shared/corpus
ANALYSIS_TOOLS := $(BUILD)/tools/build_idf $(BUILD)/tools/eval_analysis $(BUILD)/tools/bench_analysis

$(BUILD)/tools/build_idf: tools/build_idf.c $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS)

$(BUILD)/tools/eval_analysis: tools/eval_analysis.c $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS)

$(BUILD)/tools/bench_analysis: tools/bench_analysis.c $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libskimd.a $(LDLIBS)

.PHONY: analysis-idf
analysis-idf: $(BUILD)/tools/build_idf
	$(BUILD)/tools/build_idf --lang zh $(CORPUS)/keywords-zh/items.jsonl $(CORPUS)/summaries-zh/items.jsonl \
	    $(CORPUS)/topics-zh/items.jsonl $(CORPUS)/events-zh/items.jsonl > data/idf-zh.tsv.tmp
	mv data/idf-zh.tsv.tmp data/idf-zh.tsv
	$(BUILD)/tools/build_idf --lang en $(CORPUS)/keywords-en/items.jsonl $(CORPUS)/summaries-en/items.jsonl \
	    > data/idf-en.tsv.tmp
	mv data/idf-en.tsv.tmp data/idf-en.tsv

# IDF tables built WITHOUT the keyword sets, so that the leave-one-out
# figure (IDF refined by the set's other articles) is not flattered by a
# shipped table that already holds the articles scored
EVAL_IDF := $(BUILD)/eval-idf
$(EVAL_IDF)/idf-en.tsv $(EVAL_IDF)/idf-zh.tsv: $(BUILD)/tools/build_idf
	@mkdir -p $(EVAL_IDF)
	$(BUILD)/tools/build_idf --lang zh $(CORPUS)/summaries-zh/items.jsonl $(CORPUS)/topics-zh/items.jsonl \
	    $(CORPUS)/events-zh/items.jsonl > $(EVAL_IDF)/idf-zh.tsv.tmp
	mv $(EVAL_IDF)/idf-zh.tsv.tmp $(EVAL_IDF)/idf-zh.tsv
	$(BUILD)/tools/build_idf --lang en $(CORPUS)/summaries-en/items.jsonl > $(EVAL_IDF)/idf-en.tsv.tmp
	mv $(EVAL_IDF)/idf-en.tsv.tmp $(EVAL_IDF)/idf-en.tsv

eval-analysis: $(BUILD)/tools/eval_analysis $(EVAL_IDF)/idf-en.tsv $(EVAL_IDF)/idf-zh.tsv
	$(BUILD)/tools/eval_analysis --data data --corpus $(CORPUS) --heldout-idf $(EVAL_IDF)

bench:: $(BUILD)/tools/bench_analysis
	$(BUILD)/tools/bench_analysis --data data --corpus $(CORPUS)

# Fuzzing the text stages (clang + libFuzzer): make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 60
TEXT_FUZZ_SRC := analyze/text.c analyze/text_ctx.c analyze/text_brk.c analyze/text_sent.c analyze/text_map.c analyze/text_mmseg.c analyze/keywords.c \
                 analyze/kw_filter.c analyze/kw_stats.c analyze/summary.c

build-fuzz/fuzz_text: tools/fuzz_text.c $(TEXT_FUZZ_SRC)
	@mkdir -p $(dir $@)
	clang -I. -D_GNU_SOURCE -MMD -MP -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined \
	    $(shell pkg-config --cflags icu-uc icu-i18n friso jansson) -o $@ tools/fuzz_text.c $(TEXT_FUZZ_SRC) \
	    $(shell pkg-config --libs icu-uc icu-i18n friso jansson) -lstemmer -lm

fuzz:: build-fuzz/fuzz_text
	@mkdir -p build-fuzz/corpus-text
	build-fuzz/fuzz_text -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -rss_limit_mb=1024 \
	    build-fuzz/corpus-text tests/fuzz/text
