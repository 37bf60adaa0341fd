# ship.mk -- install, uninstall and the Debian package (issue 16).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binary, shipped data, man page
#   make install-systemd [UNITDIR=] [SYSCONFDIR=/etc]  the unit and its settings file
#   make uninstall [PREFIX=] [DESTDIR=]           removes exactly what install put
#   make deb                                      build-deb/skimd_VERSION-1_ARCH.deb
#
# The binary looks for its data in $(DATADIR) (compiled in, so `make install
# PREFIX=...` rebuilds server/main.o when the prefix changes) after
# share/skimd/ beside its own folder, which also finds a tree staged with
# DESTDIR. The package is the release build (build/libskimd.a) linked with
# its own server/main.o (PREFIX=/usr) in build-deb/, and assembled by
# scripts/build-deb.sh (dpkg-deb; no debhelper needed).

INSTALL    ?= install
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DATA_FILES := $(filter-out data/README.md,$(wildcard data/*))

.PHONY: install install-systemd uninstall deb

install: $(BUILD)/skimd
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 0755 $(BUILD)/skimd $(DESTDIR)$(BINDIR)/skimd
	$(INSTALL) -m 0644 $(DATA_FILES) $(DESTDIR)$(DATADIR)/
	$(INSTALL) -m 0644 skimd.1 $(DESTDIR)$(MANDIR)/man1/skimd.1

# The unit with this install's paths; the settings file is never
# overwritten (it is the administrator's).
install-systemd:
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    contrib/skimd.service.in > $(DESTDIR)$(UNITDIR)/skimd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/skimd.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/skimd ] || \
	    $(INSTALL) -m 0644 contrib/skimd.default $(DESTDIR)$(SYSCONFDIR)/default/skimd

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/skimd $(DESTDIR)$(MANDIR)/man1/skimd.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(notdir $(DATA_FILES)))
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null
	rm -f $(DESTDIR)$(UNITDIR)/skimd.service

DEB_BUILD := build-deb
deb:
	@./scripts/install-deps.sh
	$(MAKE) BUILD=build SANITIZER= build/libskimd.a
	$(MAKE) BUILD=$(DEB_BUILD) LIBSKIMD=build/libskimd.a PREFIX=/usr SANITIZER= $(DEB_BUILD)/skimd
	+./scripts/build-deb.sh $(DEB_BUILD) $(VERSION)
