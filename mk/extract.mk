# Extraction stage: evaluation, benchmark and fuzzing (issue 3).
# make eval   -- P/R/F1 on $(CORPUS)/web, zh-news vs the GNE reference
# make bench  -- pages/s on one core and peak RSS, pages preloaded
# make fuzz   -- libFuzzer over decode+extract for $(FUZZ_SECONDS) s
CORPUS       ?= ../shared/corpus
FUZZ_SECONDS ?= 60
EXTRACT_TOOL := $(BUILD)/tools/eval_extract

$(EXTRACT_TOOL): tools/eval_extract.c tools/tool_gz.c tools/tool_gz.h $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tools/eval_extract.c tools/tool_gz.c $(BUILD)/libskimd.a $(LDLIBS) -lz

eval: $(EXTRACT_TOOL)
	$(EXTRACT_TOOL) eval $(CORPUS)

bench:: $(EXTRACT_TOOL)
	$(EXTRACT_TOOL) bench $(CORPUS) 3

FUZZ_BUILD := build-fuzz
FUZZ_SRC   := ingest/decode.c ingest/url.c $(wildcard ingest/extract*.c)

$(FUZZ_BUILD)/fuzz_extract: tools/fuzz_extract.c $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	clang -I. -D_GNU_SOURCE -MMD -MP -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    $(shell pkg-config --cflags icu-uc icu-i18n jansson libcurl) -o $@ \
	    tools/fuzz_extract.c $(FUZZ_SRC) $(shell pkg-config --libs icu-uc icu-i18n jansson libcurl)

fuzz:: $(FUZZ_BUILD)/fuzz_extract
	@mkdir -p $(FUZZ_BUILD)/corpus-extract
	$(FUZZ_BUILD)/fuzz_extract -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -rss_limit_mb=1024 $(FUZZ_BUILD)/corpus-extract tests/fuzz/extract

# Ingest CPU per page after the fetch (decode, extract, analyze, store)
$(BUILD)/tools/bench_pipeline: tools/bench_pipeline.c tools/tool_gz.c tools/tool_gz.h $(BUILD)/libskimd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tools/bench_pipeline.c tools/tool_gz.c $(BUILD)/libskimd.a $(LDLIBS) -lz

bench:: $(BUILD)/tools/bench_pipeline
	$(BUILD)/tools/bench_pipeline --data data --corpus $(CORPUS)

# The sanitizer: content_html / content_markdown never hold anything
# script-capable (tools/render_check.h), whatever the page.
$(FUZZ_BUILD)/fuzz_render: tools/fuzz_render.c tools/render_check.h $(FUZZ_SRC) ingest/decode.h ingest/extract.h
	@mkdir -p $(dir $@)
	clang -I. -D_GNU_SOURCE -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    $(shell pkg-config --cflags icu-uc icu-i18n jansson libcurl) -o $@ \
	    tools/fuzz_render.c $(FUZZ_SRC) $(shell pkg-config --libs icu-uc icu-i18n jansson libcurl)

.PHONY: fuzz-render
fuzz-render: $(FUZZ_BUILD)/fuzz_render
	@mkdir -p $(FUZZ_BUILD)/corpus-render
	$(FUZZ_BUILD)/fuzz_render -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -rss_limit_mb=1024 -dict=tests/fuzz/render.dict $(FUZZ_BUILD)/corpus-render tests/fuzz/render

fuzz:: fuzz-render
