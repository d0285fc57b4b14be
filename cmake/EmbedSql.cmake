# Migrations are compiled into the binary so a node never depends on where the
# source tree is. Each domain's NNN_description.sql files become one table.
function(streamify_embed_migrations target domain)
  file(GLOB sql_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql)
  list(SORT sql_files)
  # The SQL is read at configure time: editing a migration must configure
  # again, or the binary keeps the old text.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${sql_files})
  set(entries "")
  foreach(f ${sql_files})
    get_filename_component(name ${f} NAME_WE)
    string(REGEX MATCH "^[0-9]+" version "${name}")
    file(READ ${f} body)
    string(APPEND entries "    {${version}, \"${name}\", R\"streamify_sql(${body})streamify_sql\"},\n")
  endforeach()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${domain}_migrations.cpp)
  file(WRITE ${out}.tmp "// Generated from persistence/${domain}/migrations by CMake.\n#include \"persistence/common/migrations.hpp\"\n\nnamespace streamify::persistence {\n\nconst std::vector<migration>& ${domain}_migrations() {\n  static const std::vector<migration> all{\n${entries}  };\n  return all;\n}\n\n} // namespace streamify::persistence\n")
  configure_file(${out}.tmp ${out} COPYONLY)
  target_sources(${target} PRIVATE ${out})
endfunction()
