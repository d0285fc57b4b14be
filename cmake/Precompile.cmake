# Precompiled headers that ccache can share between clones. ccache hashes a
# precompiled header's bytes, and GCC writes the build tree's absolute paths
# into them, so no two clones (CI, worktrees) ever shared a cached object. Our
# precompiled headers hold only Debian's CAF headers: their identity is those
# headers, the compiler and the build flags, written where ccache looks for it
# (CCACHE_SLOPPINESS=pch_external_checksum reads <pch>.gch.sum instead).
function(streamify_precompile target)
  target_precompile_headers(${target} PRIVATE ${ARGN})
  set(identity "${ARGN}|${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}"
               "|${CMAKE_BUILD_TYPE}|${STREAMIFY_SANITIZE}|${CMAKE_CXX_FLAGS}")
  foreach(header IN LISTS ARGN)
    string(REGEX REPLACE "^<(.*)>$" "\\1" header "${header}")
    find_file(found NAMES ${header} PATHS ${CAF_INCLUDE_DIR} NO_DEFAULT_PATH)
    if(found)
      file(MD5 ${found} digest)
      string(APPEND identity "|${digest}")
    endif()
    unset(found CACHE)
  endforeach()
  file(MD5 ${CAF_INCLUDE_DIR}/caf/config.hpp caf_digest)
  string(MD5 sum "${identity}|${caf_digest}")
  file(WRITE
    ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/cmake_pch.hxx.gch.sum
    "${sum}\n")
endfunction()
