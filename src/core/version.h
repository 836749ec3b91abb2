/* version.h — the release of this build. */
#ifndef GG_VERSION_H
#define GG_VERSION_H
#define GG_VERSION "0.1.0"
#endif
