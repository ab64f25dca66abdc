{
  "targets": [
    {
      "target_name": "bsd_socket",
      "sources": [
        "native/addon.c",
        "native/calls.c",
        "native/addresses.c",
        "native/sockaddr.c",
        "native/emit_napi.c",
        "native/results.c",
        "native/cmsg.c",
        "native/families.c",
        "native/messages.c",
        "native/polling.c",
        "native/reactor.c",
        "native/poller.c",
        "native/resolver.c",
        "native/netinfo.c",
        "native/constants.c",
        "native/select.c"
      ],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"]
      }
    }
  ]
}
