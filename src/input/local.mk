# src/input: the virtio-input device and its sources; src/input-main.c is the daemon.
noinst_LIBRARIES += src/input/libvdinput.a
src_input_libvdinput_a_SOURCES = \
	src/input/desc.h \
	src/input/desc.c \
	src/input/config.h \
	src/input/config.c \
	src/input/virtual.h \
	src/input/virtual.c \
	src/input/event-queue.h \
	src/input/event-queue.c \
	src/input/device.h \
	src/input/device.c \
	src/input/contacts.h \
	src/input/contacts.c \
	src/input/control.h \
	src/input/control.c \
	src/input/dbus.h \
	src/input/dbus.c \
	src/input/source.h \
	src/input/source.c \
	src/input/source-evdev.h \
	src/input/source-evdev.c \
	src/input/libinput-translate.h \
	src/input/libinput-translate.c \
	src/input/source-libinput.h \
	src/input/source-libinput.c
nodist_src_input_libvdinput_a_SOURCES = src/input/dbus-xml.h
src_input_libvdinput_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/src
src_input_libvdinput_a_CFLAGS = $(AM_CFLAGS) $(LIBINPUT_CFLAGS) $(UDEV_CFLAGS)

# The interface XML compiled in as a string, so the daemon needs no data files.
src/input/dbus-xml.h: $(top_srcdir)/data/org.vhostdesktop.Input1.xml
	$(AM_V_GEN)$(MKDIR_P) src/input && \
	{ echo 'static const char input_dbus_xml[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@.tmp && \
	mv $@.tmp $@
src/input/libvdinput_a-dbus.$(OBJEXT): src/input/dbus-xml.h
CLEANFILES += src/input/dbus-xml.h

dbusinterfacedir = $(datadir)/dbus-1/interfaces
dist_dbusinterface_DATA = data/org.vhostdesktop.Input1.xml

bin_PROGRAMS += src/vhost-desktop-input
src_vhost_desktop_input_SOURCES = src/input-main.c
src_vhost_desktop_input_CFLAGS = $(AM_CFLAGS) $(LIBINPUT_CFLAGS) $(UDEV_CFLAGS)
src_vhost_desktop_input_LDADD = \
	src/input/libvdinput.a \
	src/daemon/libdaemon.a \
	src/vhost/libvhost.a \
	$(GLIB_LIBS) $(LIBINPUT_LIBS) $(UDEV_LIBS) $(SECCOMP_LIBS)
