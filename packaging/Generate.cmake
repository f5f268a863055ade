# Runs PROGRAM with ARGUMENTS (a space-separated string) in the C locale and writes what it
# prints to OUTPUT, gzipped as Debian wants (-9, no name or time stamp) when GZIP is set:
#   cmake -DPROGRAM=coffre-cli "-DARGUMENTS=--man coffre" -DOUTPUT=coffre.1 -DGZIP=ON -P Generate.cmake
# The C locale: the man pages and completion are written from the English source of --help.
separate_arguments(arguments UNIX_COMMAND "${ARGUMENTS}")
set(ENV{LC_ALL} C)
unset(ENV{LANGUAGE}) # Qt would take it over LC_ALL for the translation
execute_process(COMMAND "${PROGRAM}" ${arguments} OUTPUT_FILE "${OUTPUT}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    file(REMOVE "${OUTPUT}")
    message(FATAL_ERROR "${PROGRAM} ${ARGUMENTS} failed: ${status}")
endif()
if(GZIP)
    execute_process(COMMAND gzip -9nf "${OUTPUT}" RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "gzip ${OUTPUT} failed: ${status}")
    endif()
endif()
