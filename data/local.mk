# data: systemd user units, QEMU vhost-user descriptors and the input daemon's man page.
# (The GPU man page and the D-Bus interface XML are installed by src/gpu and src/input.)

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

inputman1dir = $(mandir)/man1
dist_inputman1_DATA = data/vhost-desktop-input.1

EXTRA_DIST += $(data_units:=.in) $(data_descriptors:=.in)
CLEANFILES += $(data_units) $(data_descriptors)

data_edit = sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@VERSION[@]|$(VERSION)|g'

$(data_units) $(data_descriptors): Makefile
	$(AM_V_GEN)$(MKDIR_P) data && rm -f $@ $@.tmp && \
	$(data_edit) $(top_srcdir)/$@.in > $@.tmp && mv $@.tmp $@
data/vhost-desktop-gpu@.socket: $(top_srcdir)/data/vhost-desktop-gpu@.socket.in
data/vhost-desktop-gpu@.service: $(top_srcdir)/data/vhost-desktop-gpu@.service.in
data/vhost-desktop-input@.socket: $(top_srcdir)/data/vhost-desktop-input@.socket.in
data/vhost-desktop-input@.service: $(top_srcdir)/data/vhost-desktop-input@.service.in
data/50-vhost-desktop-gpu.json: $(top_srcdir)/data/50-vhost-desktop-gpu.json.in
data/50-vhost-desktop-input.json: $(top_srcdir)/data/50-vhost-desktop-input.json.in

# distcheck installs into a private prefix: keep the unit directory inside it, not where
# systemd's pkg-config file points (/usr/lib/systemd/user).
AM_DISTCHECK_CONFIGURE_FLAGS = --with-systemduserunitdir='$${libdir}/systemd/user'
