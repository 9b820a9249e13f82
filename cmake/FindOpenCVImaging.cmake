# Finds the three OpenCV modules greenbatch uses (core, imgproc, imgcodecs) from Debian's
# per-module packages (libopencv-{core,imgproc,imgcodecs}-dev), which ship no CMake config: the
# config lives in libopencv-dev, which would pull in every OpenCV module and a GUI toolkit.
# Defines the imported target OpenCVImaging::OpenCVImaging.
find_path(OpenCVImaging_INCLUDE_DIR opencv2/imgcodecs.hpp PATH_SUFFIXES opencv4)
set(_opencv_libs)
foreach(module core imgproc imgcodecs)
  find_library(OpenCVImaging_${module}_LIBRARY NAMES opencv_${module})
  list(APPEND _opencv_libs ${OpenCVImaging_${module}_LIBRARY})
  list(APPEND _opencv_vars OpenCVImaging_${module}_LIBRARY)
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCVImaging REQUIRED_VARS OpenCVImaging_INCLUDE_DIR ${_opencv_vars})
if(OpenCVImaging_FOUND AND NOT TARGET OpenCVImaging::OpenCVImaging)
  add_library(OpenCVImaging::OpenCVImaging INTERFACE IMPORTED)
  set_target_properties(OpenCVImaging::OpenCVImaging PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${OpenCVImaging_INCLUDE_DIR}
    INTERFACE_LINK_LIBRARIES "${_opencv_libs}")
endif()
