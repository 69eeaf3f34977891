# tests/vhost
