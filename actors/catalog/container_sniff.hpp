#pragma once

#include <string>

// Free of CAF: the gateway's upload receiver and the fuzz targets use it.
namespace streamify::catalog {

// The MIME type of a video container recognised from the first bytes of a
// file (ISO BMFF `ftyp`, EBML), or empty when it is none of them.
std::string detect_container(const std::string& head);
// The file extension stored for a MIME type from detect_container.
std::string extension_for(const std::string& mime_type);

} // namespace streamify::catalog
