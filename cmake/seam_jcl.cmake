# seam_jcl(NAME OUTPUT file.jcl PACKAGE_AID hex [VERSION M.m] [APPLETS Class=AID...]
#          [IMPORTS file.jcl...] [TARGETS target...] SOURCES file.java...)
# Builds one Java Card package into a load file at build time with `seam jc build` (javac
# against build/jc/api.jar, then the converter), as a user would. TARGETS names the seam_jcl
# targets that produce the IMPORTS, so they are built first. The target NAME is part of `all`.
function(seam_jcl name)
  cmake_parse_arguments(J "" "OUTPUT;PACKAGE_AID;VERSION" "APPLETS;IMPORTS;TARGETS;SOURCES" ${ARGN})
  if(NOT J_OUTPUT OR NOT J_PACKAGE_AID OR NOT J_SOURCES)
    message(FATAL_ERROR "seam_jcl(${name}): OUTPUT, PACKAGE_AID and SOURCES are required")
  endif()
  set(args jc build -o ${J_OUTPUT} --package-aid ${J_PACKAGE_AID}
           --api ${CMAKE_BINARY_DIR}/jc/api.jar)
  foreach(a ${J_APPLETS})
    list(APPEND args --applet ${a})
  endforeach()
  foreach(i ${J_IMPORTS})
    list(APPEND args --import ${i})
  endforeach()
  if(J_VERSION)
    list(APPEND args --version ${J_VERSION})
  endif()
  get_filename_component(outdir ${J_OUTPUT} DIRECTORY)
  add_custom_command(
    OUTPUT ${J_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND seam ${args} ${J_SOURCES}
    DEPENDS seam jc_api ${CMAKE_BINARY_DIR}/jc/api.jar ${J_SOURCES} ${J_IMPORTS}
    COMMENT "seam jc build -> ${J_OUTPUT}"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${J_OUTPUT})
  if(J_TARGETS)
    add_dependencies(${name} ${J_TARGETS})
  endif()
endfunction()
