# data: systemd user units, QEMU vhost-user descriptors and the man pages.
# (The D-Bus interface XML is installed by src/gpu and src/input.)

# Generated with the configured directories, as the automake manual recommends for
# installation directories: configure only knows them unexpanded (${exec_prefix}/bin).
data_units = \
	data/vhost-desktop-gpu@.socket \
	data/vhost-desktop-gpu@.service \
	data/vhost-desktop-input@.socket \
	data/vhost-desktop-input@.service
data_descriptors = \
	data/50-vhost-desktop-gpu.json \
	data/50-vhost-desktop-input.json

systemduserunit_DATA = $(data_units)
vhostuserdir = $(datadir)/qemu/vhost-user
vhostuser_DATA = $(data_descriptors)

# The man pages name installed paths: generated like the units.
data_man = data/vhost-desktop-gpu.1 data/vhost-desktop-input.1
man1_MANS = $(data_man)

EXTRA_DIST += $(data_units:=.in) $(data_descriptors:=.in) $(data_man:=.in)
CLEANFILES += $(data_units) $(data_descriptors) $(data_man)

data_edit = sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@datadir[@]|$(datadir)|g' \
	-e 's|@systemduserunitdir[@]|$(systemduserunitdir)|g' -e 's|@VERSION[@]|$(VERSION)|g'

$(data_units) $(data_descriptors): Makefile
	$(AM_V_GEN)$(MKDIR_P) data && rm -f $@ $@.tmp && \
	$(data_edit) $(top_srcdir)/$@.in > $@.tmp && mv $@.tmp $@

# In the man pages a path may break after any slash (\: is a break point that prints
# nothing): a long prefix, as make distcheck's, would not fit a line otherwise.
man_break = $(subst /,/\\:,$(1))
man_edit = sed -e 's|@bindir[@]|$(call man_break,$(bindir))|g' \
	-e 's|@datadir[@]|$(call man_break,$(datadir))|g' \
	-e 's|@systemduserunitdir[@]|$(call man_break,$(systemduserunitdir))|g' \
	-e 's|@VERSION[@]|$(VERSION)|g'

$(data_man): Makefile
	$(AM_V_GEN)$(MKDIR_P) data && rm -f $@ $@.tmp && \
	$(man_edit) $(top_srcdir)/$@.in > $@.tmp && mv $@.tmp $@
data/vhost-desktop-gpu@.socket: $(top_srcdir)/data/vhost-desktop-gpu@.socket.in
data/vhost-desktop-gpu@.service: $(top_srcdir)/data/vhost-desktop-gpu@.service.in
data/vhost-desktop-input@.socket: $(top_srcdir)/data/vhost-desktop-input@.socket.in
data/vhost-desktop-input@.service: $(top_srcdir)/data/vhost-desktop-input@.service.in
data/50-vhost-desktop-gpu.json: $(top_srcdir)/data/50-vhost-desktop-gpu.json.in
data/50-vhost-desktop-input.json: $(top_srcdir)/data/50-vhost-desktop-input.json.in
data/vhost-desktop-gpu.1: $(top_srcdir)/data/vhost-desktop-gpu.1.in
data/vhost-desktop-input.1: $(top_srcdir)/data/vhost-desktop-input.1.in
