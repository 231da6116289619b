# cqlkit_generate(<target> SCHEMAS file... [QUERIES file...] [OUT_DIR dir]
#                 [RUNTIME target])
#
# Runs cqlkit-gen on the schema and query files at build time and compiles
# the typed C it writes (one <keyspace>_cql.h / <keyspace>_cql.c pair per
# keyspace) into <target>: a static library created here, or, when
# <target> already exists, extra sources of it. Consumers include
# "<keyspace>_cql.h" (the output directory is a PUBLIC include directory)
# and the target links the cqlkit runtime (cqlkit::cqlkit, or RUNTIME).
#
# The files are regenerated whenever an input, a template or the
# generator itself changes. Which files there are depends on the keyspaces
# in the schemas, so CMake re-runs its configure step when a schema
# changes (cqlkit-gen --list-outputs tells the names).
#
# In the cqlkit tree this file is included by codegen/CMakeLists.txt; an
# installed cqlkit provides it through find_package(cqlkit), which sets
# CQLKIT_GEN_SCRIPT and the runtime target cqlkit::cqlkit.
include_guard(GLOBAL)

if(NOT CQLKIT_GEN_SCRIPT)
  set(CQLKIT_GEN_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/../codegen/cqlkit-gen")
endif()
if(NOT CQLKIT_GEN_PYTHON)
  find_package(Python3 3.7 COMPONENTS Interpreter QUIET)
  if(Python3_Interpreter_FOUND)
    set(CQLKIT_GEN_PYTHON "${Python3_EXECUTABLE}")
  else()
    set(CQLKIT_GEN_PYTHON python3)
  endif()
endif()
find_program(CQLKIT_GEN_M4 NAMES m4 gm4 DOC "GNU m4 for cqlkit-gen")
find_program(CQLKIT_GEN_CLANG_FORMAT NAMES clang-format DOC "clang-format for cqlkit-gen output")

function(cqlkit_generate target)
  cmake_parse_arguments(A "" "OUT_DIR;RUNTIME" "SCHEMAS;QUERIES" ${ARGN})
  if(NOT A_SCHEMAS)
    message(FATAL_ERROR "cqlkit_generate(${target}): SCHEMAS is required")
  endif()
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cqlkit_generate(${target}): unexpected ${A_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT CQLKIT_GEN_M4)
    message(FATAL_ERROR "cqlkit_generate: GNU m4 not found (install m4)")
  endif()
  if(NOT A_OUT_DIR)
    set(A_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/cqlkit_gen/${target}")
  endif()

  set(args "")
  set(inputs "")
  foreach(f ${A_SCHEMAS})
    get_filename_component(f "${f}" ABSOLUTE)
    list(APPEND args --schema "${f}")
    list(APPEND inputs "${f}")
  endforeach()
  foreach(f ${A_QUERIES})
    get_filename_component(f "${f}" ABSOLUTE)
    list(APPEND args --queries "${f}")
    list(APPEND inputs "${f}")
  endforeach()
  list(APPEND args --m4 "${CQLKIT_GEN_M4}")
  if(CQLKIT_GEN_CLANG_FORMAT)
    list(APPEND args --clang-format "${CQLKIT_GEN_CLANG_FORMAT}")
  else()
    list(APPEND args --no-format)
  endif()

  # The file names, now; re-run this when an input changes.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${inputs})
  execute_process(COMMAND "${CQLKIT_GEN_PYTHON}" "${CQLKIT_GEN_SCRIPT}" ${args} --list-outputs
                  OUTPUT_VARIABLE names ERROR_VARIABLE errors RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "cqlkit_generate(${target}): cqlkit-gen failed:\n${errors}")
  endif()
  string(REGEX REPLACE "\n$" "" names "${names}")
  string(REPLACE "\n" ";" names "${names}")
  set(outputs "")
  foreach(n ${names})
    list(APPEND outputs "${A_OUT_DIR}/${n}")
  endforeach()
  if(NOT outputs)
    message(WARNING "cqlkit_generate(${target}): no keyspace with types or queries: "
                    "nothing to generate")
    return()
  endif()

  get_filename_component(gen_dir "${CQLKIT_GEN_SCRIPT}" DIRECTORY)
  file(GLOB gen_deps CONFIGURE_DEPENDS "${gen_dir}/cqlkit_gen/*.py" "${gen_dir}/templates/*.m4")
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND "${CQLKIT_GEN_PYTHON}" "${CQLKIT_GEN_SCRIPT}" ${args} --out "${A_OUT_DIR}"
    DEPENDS ${inputs} ${gen_deps} "${CQLKIT_GEN_SCRIPT}"
    COMMENT "cqlkit-gen: typed C for ${target}"
    VERBATIM)

  if(NOT TARGET ${target})
    add_library(${target} STATIC)
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PUBLIC "${A_OUT_DIR}")
  if(A_RUNTIME)
    target_link_libraries(${target} PUBLIC ${A_RUNTIME})
  elseif(TARGET cqlkit::cqlkit)
    target_link_libraries(${target} PUBLIC cqlkit::cqlkit)
  elseif(TARGET cqlkit)
    target_link_libraries(${target} PUBLIC cqlkit)
  else()
    message(FATAL_ERROR "cqlkit_generate(${target}): no cqlkit runtime target (find_package(cqlkit))")
  endif()
endfunction()
