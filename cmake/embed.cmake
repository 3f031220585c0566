# Embeds a text file in the binary as a C string: cmake -DIN=... -DOUT=...
# -DNAME=... -P embed.cmake (run at build time, so edits rebuild it).
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}" "/* Generated from ${IN} by cmake/embed.cmake. */\n#include <stddef.h>\n"
  "const char ${NAME}[] = { ${bytes} 0 };\nconst size_t ${NAME}_len = sizeof(${NAME}) - 1;\n")
