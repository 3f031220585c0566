# Warning and sanitizer flags in one place (cf. curl PickyWarnings.cmake).
function(hil_apply_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wpointer-arith
    -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    # Messages are cut to fixed buffers on purpose (bounded memory).
    target_compile_options(${target} PRIVATE -Wno-format-truncation)
  endif()
  if(HIL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(HIL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer for the engine's worker threads (ci/test.sh runs the
# engine tests with it); it cannot be combined with ASan.
option(HIL_TSAN "Build with ThreadSanitizer" OFF)
if(HIL_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
