# ui.mk -- the web page (issue 17). Included by the Makefile.
#
# Every file under ui/ is compiled into the binary (like openapi.yaml), so
# an installed skimd serves /ui/ with no extra files; handlers/ui.c serves
# the table. `make ui-test` runs the browser suite alone (tests/ui/run.sh:
# Debian's chromium, driven headless by puppeteer-core).

UI_FILES := $(sort $(wildcard ui/*))

$(BUILD)/gen/ui_data.c: $(UI_FILES) scripts/embed-ui.sh
	@mkdir -p $(dir $@)
	@./scripts/embed-ui.sh $@ $(UI_FILES)

$(BUILD)/gen/ui_data.o: $(BUILD)/gen/ui_data.c handlers/ui_files.h $(FLAGS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# The archive's recipe uses $^, which takes this line's prerequisite too.
$(BUILD)/libskimd.a: $(BUILD)/gen/ui_data.o

.PHONY: ui-test
ui-test: deps all
	@SKIMD_BIN=$(BUILD)/skimd tests/ui/run.sh
