package scope

// globalNames are the names bound in Nix's base scope without the
// builtins. prefix (../shared/conformance/builtins.tsv, column global).
var globalNames = []string{
	"abort", "baseNameOf", "break", "builtins", "derivation", "derivationStrict",
	"dirOf", "false", "fetchGit", "fetchMercurial", "fetchTarball", "fetchTree",
	"fromTOML", "import", "isNull", "map", "null", "placeholder", "removeAttrs",
	"scopedImport", "throw", "toString", "true",
}

// prefixedNames are the builtins reachable in the base scope only as
// __name.
var prefixedNames = []string{
	"add", "addDrvOutputDependencies", "addErrorContext", "all", "any",
	"appendContext", "attrNames", "attrValues", "bitAnd", "bitOr", "bitXor",
	"catAttrs", "ceil", "compareVersions", "concatLists", "concatMap",
	"concatStringsSep", "convertHash", "currentSystem", "currentTime", "deepSeq",
	"div", "elem", "elemAt", "exec", "fetchClosure", "fetchurl", "filter",
	"filterSource", "findFile", "flakeRefToString", "floor", "foldl'", "fromJSON",
	"functionArgs", "genericClosure", "genList", "getAttr", "getContext", "getEnv",
	"getFlake", "groupBy", "hasAttr", "hasContext", "hashFile", "hashString", "head",
	"importNative", "intersectAttrs", "isAttrs", "isBool", "isFloat", "isFunction",
	"isInt", "isList", "isPath", "isString", "langVersion", "length", "lessThan",
	"listToAttrs", "mapAttrs", "match", "mul", "nixPath", "nixVersion", "outputOf",
	"parseDrvName", "parseFlakeRef", "partition", "path", "pathExists", "readDir",
	"readFile", "readFileType", "replaceStrings", "seq", "sort", "split",
	"splitVersion", "storeDir", "storePath", "stringLength", "sub", "substring",
	"tail", "toFile", "toJSON", "toPath", "toXML", "trace", "traceVerbose",
	"tryEval", "typeOf", "unsafeDiscardOutputDependency",
	"unsafeDiscardStringContext", "unsafeGetAttrPos", "warn", "zipAttrsWith",
}

// DefaultGlobals returns the names of Nix's base scope: the global
// builtins and __name for every other builtin.
func DefaultGlobals() []string {
	out := make([]string, 0, len(globalNames)+len(prefixedNames))
	out = append(out, globalNames...)
	for _, n := range prefixedNames {
		out = append(out, "__"+n)
	}
	return out
}
