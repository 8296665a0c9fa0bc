// A user's module that tries weft's non-API packages: javac must refuse both imports.
module peek {
    requires dev.weft.channels;
}
