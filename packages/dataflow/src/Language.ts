/**
 * Language of a source file from its name and, when the name says nothing, its shebang line, with
 * the language names The Stack uses (GitHub Linguist's names, as go-enry reports them: `JavaScript`,
 * `TypeScript`, `Python`, `C++`, `C#`, `Shell`, `Markdown`, `JSON`, ...).
 *
 * ```ts
 * import { detectLanguage } from "@pretrain/dataflow"
 *
 * detectLanguage({ path: "src/index.ts" })                          // "TypeScript"
 * detectLanguage({ path: "Makefile" })                              // "Makefile"
 * detectLanguage({ path: "bin/tool", content: "#!/usr/bin/env node" }) // "JavaScript"
 * detectLanguage({ path: "LICENSE.unknown" })                       // null
 * ```
 *
 * Detection is a pure table lookup, in this order: exact file name (`Dockerfile`, `CMakeLists.txt`),
 * two-part extensions (`.html.erb`), file-name patterns (`Dockerfile.prod`, `requirements-dev.txt`),
 * extension (case-sensitive first, then lower-cased), then the interpreter of a `#!` line. Ambiguous
 * extensions take their most common language on GitHub (`.h` is C, `.m` Objective-C, `.pl` Perl,
 * `.v` Verilog); Linguist's content heuristics are not applied.
 *
 * @since 0.1.0
 */

/**
 * Linguist's language kinds: `programming`, `data` (JSON, YAML, CSV), `markup` (HTML, XML, CSS) and
 * `prose` (Markdown, Text).
 *
 * @since 0.1.0 @category models
 */
export type LanguageType = "programming" | "data" | "markup" | "prose"

/**
 * One row of the language table.
 *
 * @since 0.1.0 @category models
 */
export interface LanguageInfo {
  /** Name as The Stack writes it. */
  readonly name: string
  readonly type: LanguageType
  /** Extensions with their leading dot, as Linguist lists them (`.ts`, `.d.ts` is covered by `.ts`). */
  readonly extensions: ReadonlyArray<string>
  /** Exact file names (`Makefile`, `CMakeLists.txt`, `.bashrc`). */
  readonly filenames: ReadonlyArray<string>
  /** Interpreters named on a `#!` line (`python3` matches `python`). */
  readonly interpreters: ReadonlyArray<string>
}

type Row = readonly [
  name: string,
  type: LanguageType,
  extensions: string,
  filenames?: string,
  interpreters?: string
]

// name, type, extensions (space-separated), file names (space-separated), interpreters (space-separated).
// Where two languages share an extension, the first row that lists it wins.
const rows: ReadonlyArray<Row> = [
  // The most common languages of The Stack first.
  ["JavaScript", "programming", ".js .mjs .cjs .jsx ._js .bones .es .es6 .gs .jake .javascript .jsb .jscad .jsfl .jslib .jsm .jspre .jss .njs .pac .sjs .ssjs .xsjs .xsjslib", "Jakefile", "node nodejs chakra d8 gjs js qjs rhino v8 v8-shell bun"],
  ["TypeScript", "programming", ".ts .cts .mts", "", "deno ts-node tsx"],
  ["TSX", "programming", ".tsx"],
  ["Python", "programming", ".py .cgi .gyp .gypi .lmi .py3 .pyde .pyi .pyp .pyt .pyw .rpy .spec .tac .wsgi .xpy", ".gclient DEPS SConscript SConstruct wscript", "python python2 python3 py pypy pypy3 uv"],
  ["Java", "programming", ".java .jav .jsh"],
  ["C", "programming", ".c .h .cats .idc .w"],
  ["C++", "programming", ".cpp .c++ .cc .cp .cppm .cxx .h++ .hh .hpp .hxx .inl .ino .ipp .ixx .re .tcc .tpp .txx"],
  ["C#", "programming", ".cs .cake .csx .linq"],
  ["Go", "programming", ".go"],
  ["Rust", "programming", ".rs .rs.in", "", "rust-script"],
  ["PHP", "programming", ".php .aw .ctp .fcgi .php3 .php4 .php5 .phps .phpt", ".php .php_cs .php_cs.dist Phakefile", "php"],
  ["Ruby", "programming", ".rb .builder .eye .gemspec .god .jbuilder .mspec .pluginspec .podspec .prawn .rabl .rake .rbi .rbuild .rbw .rbx .ru .ruby .thor .watchr", ".irbrc .pryrc .simplecov Appraisals Berksfile Brewfile Buildfile Capfile Dangerfile Deliverfile Fastfile Gemfile Guardfile Jarfile Mavenfile Podfile Puppetfile Rakefile Snapfile Steepfile Thorfile Vagrantfile buildfile", "ruby jruby macruby rake rbx"],
  ["Shell", "programming", ".sh .bash .bats .command .ksh .sh.in .tmux .tool .trigger .zsh .zsh-theme", ".bash_aliases .bash_functions .bash_logout .bash_profile .bashrc .cshrc .envrc .flaskenv .kshrc .login .profile .tmux.conf .zlogin .zlogout .zprofile .zshenv .zshrc 9fs PKGBUILD bash_aliases bash_logout bash_profile bashrc cshrc gradlew kshrc login man profile tmux.conf zlogin zlogout zprofile zshenv zshrc", "bash sh zsh ksh dash ash mksh pdksh rc"],
  ["Markdown", "prose", ".md .livemd .markdown .mdown .mdwn .mkd .mkdn .mkdown .ronn .scd .workbook", "contents.lr"],
  ["JSON", "data", ".json .4DForm .4DProject .avsc .geojson .gltf .har .ice .JSON-tmLanguage .json.example .jsonl .mcmeta .sarif .tact .tfstate .tfstate.backup .topojson .webapp .webmanifest .yy .yyp", ".all-contributorsrc .arcconfig .auto-changelog .c8rc .htmlhintrc .imgbotconfig .nycrc .tern-config .tern-project .watchmanconfig MODULE.bazel.lock Package.resolved Pipfile.lock bun.lock composer.lock deno.lock flake.lock mcmod.info .babelrc.json .prettierrc"],
  ["JSON with Comments", "data", ".jsonc .code-snippets .code-workspace .sublime-build .sublime-color-scheme .sublime-commands .sublime-completions .sublime-keymap .sublime-macro .sublime-menu .sublime-mousemap .sublime-project .sublime-settings .sublime-theme .sublime-workspace .sublime_metrics .sublime_session", ".auto-changelog .babelrc .devcontainer.json .eslintrc.json .jscsrc .jshintrc .jslintrc .swcrc api-extractor.json devcontainer.json jsconfig.json language-configuration.json tsconfig.json tslint.json"],
  ["JSON5", "data", ".json5"],
  ["YAML", "data", ".yml .yaml .mir .reek .rviz .sublime-syntax .syntax .yaml-tmlanguage .yaml.sed .yml.mysql", ".clang-format .clang-tidy .clangd .gemrc CITATION.cff glide.lock pixi.lock yarn.lock"],
  ["HTML", "markup", ".html .hta .htm .html.hl .inc.html .xht .xhtml"],
  ["CSS", "markup", ".css"],
  ["SCSS", "markup", ".scss"],
  ["Sass", "markup", ".sass"],
  ["Less", "markup", ".less"],
  ["Stylus", "markup", ".styl"],
  ["Kotlin", "programming", ".kt .ktm .kts", "", "kotlin"],
  ["Scala", "programming", ".scala .kojo .sbt .sc", "", "scala"],
  ["Swift", "programming", ".swift", "", "swift"],
  ["Objective-C", "programming", ".m"],
  ["Objective-C++", "programming", ".mm"],
  ["Dart", "programming", ".dart", "", "dart"],
  ["Lua", "programming", ".lua .fcgi .nse .p8 .pd_lua .rbxs .rockspec .wlua", ".luacheckrc", "lua luajit"],
  ["Perl", "programming", ".pl .al .cgi .fcgi .perl .ph .plx .pm .psgi .t", ".latexmkrc Makefile.PL Rexfile ack cpanfile latexmkrc", "perl cperl"],
  ["R", "programming", ".r .R .rd .rsx", ".Rprofile expr-dist", "Rscript"],
  ["Julia", "programming", ".jl", "", "julia"],
  ["Haskell", "programming", ".hs .hs-boot .hsc", "", "runghc runhaskell runhugs"],
  ["Literate Haskell", "programming", ".lhs"],
  ["Elixir", "programming", ".ex .exs", "mix.lock", "elixir"],
  ["Erlang", "programming", ".erl .app .app.src .es .escript .hrl .xrl .yrl", "Emakefile rebar.config rebar.config.lock rebar.lock", "escript"],
  ["Clojure", "programming", ".clj .bb .boot .cl2 .cljc .cljs .cljs.hl .cljscm .cljx .edn .hic", "riemann.config", "bb"],
  ["OCaml", "programming", ".ml .eliom .eliomi .ml4 .mli .mll .mly", "", "ocaml ocamlrun ocamlscript"],
  ["F#", "programming", ".fs .fsi .fsx"],
  ["Visual Basic .NET", "programming", ".vb .vbhtml"],
  ["VBA", "programming", ".bas .frm .vba"],
  ["VBScript", "programming", ".vbs"],
  ["PowerShell", "programming", ".ps1 .psd1 .psm1", "", "pwsh powershell"],
  ["Batchfile", "programming", ".bat .cmd"],
  ["SQL", "data", ".sql .cql .ddl .mysql .prc .tab .udf .viw"],
  ["PLpgSQL", "programming", ".pgsql"],
  ["PLSQL", "programming", ".pls .bdy .ddl .fnc .pck .pkb .pks .plb .plsql"],
  ["TSQL", "programming", ".tsql"],
  ["Assembly", "programming", ".asm .a51 .i .nas .nasm"],
  ["Unix Assembly", "programming", ".s .S .ms"],
  ["TeX", "markup", ".tex .aux .bbx .cbx .dtx .ins .lbx .ltx .mkii .mkiv .mkvi .sty .toc"],
  ["BibTeX", "markup", ".bib .bibtex"],
  ["Makefile", "programming", ".mak .d .make .makefile .mk .mkfile", "BSDmakefile GNUmakefile Kbuild Makefile Makefile.am Makefile.boot Makefile.frag Makefile.in Makefile.inc Makefile.wat makefile makefile.sco mkfile", "make"],
  ["CMake", "programming", ".cmake .cmake.in", "CMakeLists.txt"],
  ["Dockerfile", "programming", ".dockerfile .containerfile", "Containerfile Dockerfile"],
  ["Vue", "markup", ".vue"],
  ["Svelte", "markup", ".svelte"],
  ["Astro", "markup", ".astro"],
  ["XML", "data", ".xml .adml .admx .ant .axaml .axml .builds .ccproj .ccxml .clixml .cproject .cscfg .csdef .csl .csproj .ct .depproj .dita .ditamap .ditaval .dll.config .dotsettings .filters .fsproj .fxml .glade .gml .gmx .grxml .gst .hzp .iml .ivy .jelly .jsproj .kml .launch .mdpolicy .mjml .mod .mm .mxml .natvis .ncl .ndproj .nproj .nuspec .odd .osm .pkgproj .pluginspec .proj .props .ps1xml .psc1 .pt .qhelp .rdf .res .resx .rs .rss .sch .scxml .sfproj .shproj .srdf .storyboard .sublime-snippet .sw .targets .tml .ui .urdf .ux .vbproj .vcxproj .vsixmanifest .vssettings .vstemplate .vxml .wixproj .workflow .wsdl .wsf .wxi .wxl .wxs .x3d .xacro .xaml .xib .xlf .xliff .xmi .xml.dist .xmp .xproj .xsd .xspec .xul .zcml", ".classpath .cproject .project App.config NuGet.config Settings.StyleCop Web.Debug.config Web.Release.config Web.config packages.config"],
  ["Maven POM", "data", "", "pom.xml"],
  ["XML Property List", "data", ".plist .stTheme .tmCommand .tmLanguage .tmPreferences .tmSnippet .tmTheme"],
  ["XSLT", "programming", ".xslt .xsl"],
  ["SVG", "data", ".svg"],
  ["TOML", "data", ".toml", "Cargo.lock Cargo.toml.orig Gopkg.lock Pipfile pdm.lock poetry.lock uv.lock"],
  ["INI", "data", ".ini .cfg .cnf .dof .frm .lektorproject .prefs .pro .properties .url", ".coveragerc .flake8 .pylintrc HOSTS buildozer.spec hosts pylintrc vlcrc"],
  ["Java Properties", "data", ".properties"],
  ["Text", "prose", ".txt .fr .nb .ncl .no", "CITATION CITATIONS COPYING COPYING.regex COPYRIGHT.regex FONTLOG INSTALL INSTALL.mysql LICENSE LICENSE.mysql NEWS README.me README.mysql README.nss click.me delete.me keep.me package.mask package.use.mask package.use.stable.mask read.me readme.1st test.me use.mask use.stable.mask"],
  ["reStructuredText", "prose", ".rst .rest .rest.txt .rst.txt"],
  ["AsciiDoc", "prose", ".asciidoc .adoc .asc"],
  ["Org", "prose", ".org"],
  ["RDoc", "prose", ".rdoc"],
  ["Roff", "markup", ".roff .1 .1in .1m .1x .2 .3 .3in .3m .3p .3pm .3qt .3x .4 .5 .6 .7 .8 .9 .l .man .mdoc .me .ms .n .nr .rno .tmac", "eqnrc mmn mmt troffrc"],
  ["Groovy", "programming", ".groovy .grt .gtpl .gvy", "Jenkinsfile", "groovy"],
  ["Gradle", "data", ".gradle"],
  ["Gradle Kotlin DSL", "data", ".gradle.kts"],
  ["Jupyter Notebook", "markup", ".ipynb"],
  ["TSV", "data", ".tsv .vcf"],
  ["CSV", "data", ".csv"],
  ["Diff", "data", ".diff .patch"],
  ["Protocol Buffer", "data", ".proto"],
  ["GraphQL", "data", ".graphql .gql .graphqls"],
  ["HCL", "programming", ".hcl .nomad .tf .tfvars .workflow"],
  ["Nix", "programming", ".nix"],
  ["Handlebars", "markup", ".handlebars .hbs"],
  ["Mustache", "markup", ".mustache"],
  ["EJS", "markup", ".ejs .ect .ejs.t .jst"],
  ["Pug", "markup", ".pug .jade"],
  ["Twig", "markup", ".twig"],
  ["Liquid", "markup", ".liquid"],
  ["Nunjucks", "markup", ".njk .nunj"],
  ["Smarty", "programming", ".tpl"],
  ["Jinja", "markup", ".jinja .j2 .jinja2"],
  ["HTML+ERB", "markup", ".erb .erb.deface .rhtml .html.erb"],
  ["HTML+Razor", "markup", ".cshtml .razor"],
  ["HTML+PHP", "markup", ".phtml"],
  ["Blade", "markup", ".blade .blade.php"],
  ["Haml", "markup", ".haml .haml.deface"],
  ["Slim", "markup", ".slim"],
  ["ASP.NET", "programming", ".asax .ascx .ashx .asmx .aspx .axd"],
  ["Java Server Pages", "programming", ".jsp .tag"],
  ["CoffeeScript", "programming", ".coffee ._coffee .cake .cjsx .iced", "Cakefile", "coffee"],
  ["LiveScript", "programming", ".ls ._ls", "Slakefile"],
  ["Elm", "programming", ".elm"],
  ["PureScript", "programming", ".purs"],
  ["ReScript", "programming", ".res .resi"],
  ["Reason", "programming", ".rei"],
  ["Haxe", "programming", ".hx .hxsl"],
  ["Nim", "programming", ".nim .nim.cfg .nimble .nimrod .nims", "nim.cfg"],
  ["Zig", "programming", ".zig .zig.zon"],
  ["Crystal", "programming", ".cr", "", "crystal"],
  ["D", "programming", ".di"],
  ["V", "programming", ".vsh"],
  ["Odin", "programming", ".odin"],
  ["Gleam", "programming", ".gleam"],
  ["Mojo", "programming", ".mojo"],
  ["Solidity", "programming", ".sol"],
  ["Move", "programming", ".move"],
  ["Cairo", "programming", ".cairo"],
  ["Fortran", "programming", ".f .f77 .for .fpp"],
  ["Fortran Free Form", "programming", ".f90 .f03 .f08 .f95"],
  ["COBOL", "programming", ".cob .cbl .ccp .cobol .cpy"],
  ["Ada", "programming", ".adb .ada .ads"],
  ["Pascal", "programming", ".pas .dfm .dpr .inc .lpr .pascal", "", "instantfpc"],
  ["Delphi Form", "data", ".dfm"],
  ["Common Lisp", "programming", ".lisp .asd .cl .l .lsp .ny .podsl .sexp", "", "lisp sbcl ccl clisp ecl"],
  ["Emacs Lisp", "programming", ".el .emacs .emacs.desktop", ".abbrev_defs .emacs .emacs.desktop .gnus .spacemacs .viper Cask Project.ede _emacs abbrev_defs", "emacs"],
  ["Scheme", "programming", ".scm .kid .sch .sld .sls .sps .ss", "", "scheme guile bigloo chicken csi gosh r6rs"],
  ["Racket", "programming", ".rkt .rktd .rktl .scrbl", "", "racket"],
  ["Fennel", "programming", ".fnl", "", "fennel"],
  ["Janet", "programming", ".janet", "", "janet"],
  ["Hy", "programming", ".hy", "", "hy"],
  ["Prolog", "programming", ".prolog .pl .plt .pro .yap", "", "swipl yap"],
  ["Standard ML", "programming", ".sml .fun .sig"],
  ["Idris", "programming", ".idr .lidr"],
  ["Agda", "programming", ".agda"],
  ["Lean", "programming", ".lean .hlean"],
  ["Coq", "programming", ".coq"],
  ["Isabelle", "programming", ".thy"],
  ["Tcl", "programming", ".tcl .adp .sdc .tcl.in .tm .xdc", "owh starfield", "tclsh wish"],
  ["Tcsh", "programming", ".tcsh .csh", "", "tcsh csh"],
  ["fish", "programming", ".fish", "", "fish"],
  ["Awk", "programming", ".awk .auk .gawk .mawk .nawk", "", "awk gawk mawk nawk"],
  ["sed", "programming", ".sed", "", "gsed minised sed ssed"],
  ["Vim Script", "programming", ".vim .vba .vimrc .vmb", ".exrc .gvimrc .nvimrc .vimrc _vimrc gvimrc nvimrc vimrc"],
  ["AppleScript", "programming", ".applescript .scpt", "", "osascript"],
  ["AutoHotkey", "programming", ".ahk .ahkl"],
  ["AutoIt", "programming", ".au3"],
  ["Raku", "programming", ".raku .6pl .6pm .nqp .p6 .p6l .p6m .pl6 .pm6 .rakumod .rakutest", "", "perl6 raku rakudo"],
  ["Verilog", "programming", ".v .veo"],
  ["SystemVerilog", "programming", ".sv .svh .vh"],
  ["VHDL", "programming", ".vhdl .vhd .vhf .vhi .vho .vhs .vht .vhw"],
  ["Cuda", "programming", ".cu .cuh"],
  ["OpenCL", "programming", ".opencl"],
  ["GLSL", "programming", ".glsl .comp .frag .frg .fsh .fshader .geo .geom .glslf .glslv .gshader .rchit .rmiss .shader .tesc .tese .vert .vrx .vs .vsh .vshader"],
  ["HLSL", "programming", ".hlsl .cginc .fx .fxh .hlsli"],
  ["WGSL", "programming", ".wgsl"],
  ["Metal", "programming", ".metal"],
  ["ShaderLab", "programming", ".shaderlab"],
  ["WebAssembly", "programming", ".wat .wast"],
  ["LLVM", "programming", ".ll"],
  ["Cython", "programming", ".pyx .pxd .pxi"],
  ["Jsonnet", "programming", ".jsonnet .libsonnet"],
  ["Starlark", "programming", ".bzl .star", "BUCK BUILD BUILD.bazel MODULE.bazel Tiltfile WORKSPACE WORKSPACE.bazel"],
  ["Meson", "programming", "", "meson.build meson_options.txt meson.options"],
  ["Just", "programming", ".just", "JUSTFILE Justfile justfile .justfile"],
  ["Thrift", "programming", ".thrift"],
  ["Cap'n Proto", "programming", ".capnp"],
  ["Apex", "programming", ".cls .apex .trigger"],
  ["ABAP", "programming", ".abap"],
  ["ActionScript", "programming", ".as"],
  ["ColdFusion", "programming", ".cfm .cfml"],
  ["ColdFusion CFC", "programming", ".cfc"],
  ["Smalltalk", "programming", ".st .cs"],
  ["SAS", "programming", ".sas"],
  ["Stata", "programming", ".do .ado .doh .ihlp .mata .matah .sthlp"],
  ["MATLAB", "programming", ".matlab"],
  ["Mathematica", "programming", ".mathematica .cdf .ma .mt .nb .nbp .wl .wlt .wls"],
  ["Processing", "programming", ".pde"],
  ["QML", "programming", ".qml .qbs"],
  ["Vala", "programming", ".vala .vapi"],
  ["GDScript", "programming", ".gd"],
  ["Hack", "programming", ".hack .hh .hhi"],
  ["Puppet", "programming", ".pp", "Modulefile"],
  ["Gherkin", "programming", ".feature .story"],
  ["Groovy Server Pages", "programming", ".gsp"],
  ["Lex", "programming", ".lex .flex", "Lexer.x lexer.x"],
  ["Yacc", "programming", ".y .yacc .yy"],
  ["ANTLR", "programming", ".g4"],
  ["M4", "programming", ".m4 .mc"],
  ["M4Sugar", "programming", "", "configure.ac"],
  ["Nextflow", "programming", ".nf", "nextflow.config"],
  ["Snakemake", "programming", ".smk .snakefile", "Snakefile"],
  ["PostScript", "markup", ".ps .eps .epsf .epsi"],
  ["Gnuplot", "programming", ".gp .gnu .gnuplot .p .plot .plt", "", "gnuplot"],
  ["OpenSCAD", "programming", ".scad"],
  ["Modelica", "programming", ".mo"],
  ["Bicep", "programming", ".bicep .bicepparam"],
  ["PlantUML", "data", ".puml .iuml .plantuml"],
  ["Mermaid", "markup", ".mmd .mermaid"],
  ["Graphviz (DOT)", "data", ".dot .gv"],
  ["Web Ontology Language", "data", ".owl"],
  ["Typst", "markup", ".typ"],
  ["MDX", "markup", ".mdx"],
  ["RMarkdown", "prose", ".qmd .rmd"],
  ["Jest Snapshot", "data", ".snap"],
  ["Pip Requirements", "data", "", "requirements.txt requirements-dev.txt requirements-test.txt constraints.txt"],
  ["Gettext Catalog", "prose", ".po .pot"],
  ["Dotenv", "data", ".env", ".env .env.ci .env.dev .env.development .env.example .env.local .env.prod .env.production .env.sample .env.staging .env.test .env.testing"],
  ["EditorConfig", "data", "", ".editorconfig"],
  ["Ignore List", "data", ".gitignore", ".atomignore .babelignore .bzrignore .coffeelintignore .cvsignore .dockerignore .eleventyignore .eslintignore .gitignore .ignore .markdownlintignore .nodemonignore .npmignore .prettierignore .stylelintignore .vercelignore .vscodeignore gitignore-global gitignore_global"],
  ["Git Attributes", "data", "", ".gitattributes"],
  ["Git Config", "data", ".gitconfig", ".gitconfig .gitmodules"],
  ["NPM Config", "data", "", ".npmrc"],
  ["Browserslist", "data", "", ".browserslistrc browserslist"],
  ["CODEOWNERS", "data", "", "CODEOWNERS"],
  ["Procfile", "programming", "", "Procfile"],
  ["Go Module", "data", "", "go.mod go.work"],
  ["Go Checksums", "data", "", "go.sum go.work.sum"],
  ["Cabal Config", "data", ".cabal", "cabal.config cabal.project"],
  ["ApacheConf", "data", ".apacheconf .vhost", ".htaccess apache2.conf httpd.conf"],
  ["Nginx", "data", ".nginx .nginxconf", "nginx.conf"],
  ["RPM Spec", "data", ".spec"],
  ["NSIS", "programming", ".nsi .nsh"],
  ["Inno Setup", "programming", ".iss .isl"],
  ["Protocol Buffer Text Format", "data", ".textproto .pbt .pbtxt"],
  ["WebIDL", "programming", ".webidl"],
  ["XQuery", "programming", ".xquery .xq .xql .xqm .xqy"],
  ["Smali", "programming", ".smali"],
  ["Pony", "programming", ".pony"],
  ["Chapel", "programming", ".chpl"],
  ["Q#", "programming", ".qs"],
  ["Ballerina", "programming", ".bal"],
  ["Elvish", "programming", ".elv", "", "elvish"],
  ["MoonScript", "programming", ".moon", "", "moon"],
  ["Pawn", "programming", ".pwn .sma"],
  ["SourcePawn", "programming", ".sp"],
  ["Dhall", "programming", ".dhall"],
  ["Zeek", "programming", ".zeek .bro"],
  ["Rich Text Format", "markup", ".rtf"],
  ["Wikitext", "prose", ".mediawiki .wiki .wikitext"],
  ["Public Key", "data", ".asc .pub"],
  ["Regular Expression", "data", ".regexp .regex"],
  ["Vim Snippet", "markup", ".snip .snippet .snippets"],
  ["Kusto", "data", ".csl .kql"],
  ["Pkl", "programming", ".pkl"],
  ["Earthly", "programming", "", "Earthfile"],
  ["Prisma", "data", ".prisma"],
  ["Terra", "programming", ".t"],
  ["Objective-J", "programming", ".j .sj"]
]

const split = (s: string | undefined): ReadonlyArray<string> => (s === undefined || s === "" ? [] : s.split(" "))

/**
 * The language table: name, kind, extensions, file names and interpreters of about 250 languages,
 * covering the 100 most common languages of The Stack. Earlier rows win where extensions overlap.
 *
 * @since 0.1.0 @category constants
 */
export const languages: ReadonlyArray<LanguageInfo> = rows.map(([name, type, extensions, filenames, interpreters]) => ({
  name,
  type,
  extensions: split(extensions),
  filenames: split(filenames),
  interpreters: split(interpreters)
}))

const byExtension = new Map<string, string>()
const byLowerExtension = new Map<string, string>()
const byCompoundExtension = new Map<string, string>()
const byFilename = new Map<string, string>()
const byInterpreter = new Map<string, string>()
const typeByName = new Map<string, LanguageType>()

for (const lang of languages) {
  typeByName.set(lang.name, lang.type)
  for (const ext of lang.extensions) {
    const bare = ext.slice(1)
    const target = bare.includes(".") ? byCompoundExtension : byExtension
    if (!target.has(bare)) target.set(bare, lang.name)
    if (!bare.includes(".") && !byLowerExtension.has(bare.toLowerCase())) byLowerExtension.set(bare.toLowerCase(), lang.name)
  }
  for (const f of lang.filenames) if (!byFilename.has(f)) byFilename.set(f, lang.name)
  for (const i of lang.interpreters) if (!byInterpreter.has(i)) byInterpreter.set(i, lang.name)
}
// Linguist lists these under several languages; The Stack's most common reading wins.
byExtension.set("h", "C")
byExtension.set("cs", "C#")
byExtension.set("pl", "Perl")
byExtension.set("t", "Perl")
byExtension.set("d", "D")
byExtension.set("l", "Lex")
byExtension.set("properties", "Java Properties")
byExtension.set("spec", "RPM Spec")
byExtension.set("mm", "Objective-C++")
byExtension.set("re", "Reason")
byExtension.set("res", "ReScript")
byExtension.set("rs", "Rust")
byExtension.set("cake", "C#")
byExtension.set("es", "JavaScript")
byExtension.set("nb", "Mathematica")
byExtension.set("vba", "VBA")
byExtension.set("frm", "VBA")
byExtension.set("fcgi", "PHP")
byExtension.set("cgi", "Perl")
byExtension.set("inc", "PHP")
byExtension.set("plt", "Gnuplot")
byExtension.set("ddl", "SQL")
byExtension.set("workflow", "XML")
byExtension.set("trigger", "Apex")
byExtension.set("hh", "C++")
byExtension.set("pro", "Prolog")
byExtension.set("ncl", "XML")
byExtension.set("sch", "Scheme")
byExtension.set("vsh", "GLSL")
byExtension.set("dfm", "Pascal")
byExtension.set("csl", "XML")
byExtension.set("asc", "AsciiDoc")
for (const [ext, name] of byExtension) if (!ext.includes(".")) byLowerExtension.set(ext.toLowerCase(), byLowerExtension.get(ext.toLowerCase()) ?? name)
byLowerExtension.set("h", "C")
byLowerExtension.set("r", "R")
byLowerExtension.set("s", "Unix Assembly")
byFilename.set(".auto-changelog", "JSON")

/**
 * The kind (`programming`, `data`, `markup`, `prose`) of a language named as {@link detectLanguage}
 * returns it, or `null` for a name not in the table.
 *
 * @since 0.1.0 @category utils
 */
export const languageType = (name: string): LanguageType | null => typeByName.get(name) ?? null

/**
 * The last extension of a path's file name, without the dot (`ts` for `a/b.d.ts`), or `""` when the
 * name has none (`Makefile`, `.bashrc`).
 *
 * @since 0.1.0 @category utils
 */
export const extensionOf = (path: string): string => {
  const slash = path.lastIndexOf("/")
  const dot = path.lastIndexOf(".")
  return dot > slash + 1 ? path.slice(dot + 1) : ""
}

/**
 * The language an interpreter path or name runs (`/usr/bin/python3.11` → `Python`), or `null`.
 *
 * @since 0.1.0 @category utils
 */
export const languageOfInterpreter = (interpreter: string): string | null => {
  const name = interpreter.slice(interpreter.lastIndexOf("/") + 1)
  const exact = byInterpreter.get(name)
  if (exact !== undefined) return exact
  // python3.11, ruby2.7, perl5.36, lua5.4, node18: drop a trailing version.
  const bare = name.replace(/[\d.]+$/, "")
  return bare !== name ? byInterpreter.get(bare) ?? null : null
}

/**
 * The language of a `#!` line at the start of `content` (`#!/usr/bin/env python3`, `#!/bin/bash -e`,
 * `#!/usr/bin/env -S deno run`), or `null` when there is none or the interpreter is unknown.
 *
 * @since 0.1.0 @category utils
 */
export const languageOfShebang = (content: string): string | null => {
  if (content.charCodeAt(0) !== 35 /* # */ || content.charCodeAt(1) !== 33 /* ! */) return null
  let end = content.indexOf("\n")
  if (end < 0 || end > 256) end = Math.min(content.length, 256)
  const words = content.slice(2, end).trim().split(/\s+/)
  let i = 0
  let program = words[0] ?? ""
  if (program.endsWith("/env") || program === "env") {
    i = 1
    // Skip env's options (-S, -i, -u NAME) and NAME=value assignments.
    while (i < words.length && (words[i]!.startsWith("-") || words[i]!.includes("="))) {
      if (words[i] === "-u" || words[i] === "-C") i++
      i++
    }
    program = words[i] ?? ""
  }
  return program === "" ? null : languageOfInterpreter(program)
}

/** Dockerfile.prod, Makefile.linux, foo.Dockerfile: Linguist's file-name patterns. */
const byFilenamePattern = (name: string): string | null => {
  if (name.startsWith("Dockerfile.") || name.startsWith("Containerfile.")) return "Dockerfile"
  if (name.startsWith("Makefile.") || name.startsWith("makefile.") || name.startsWith("GNUmakefile.")) return "Makefile"
  if (name.startsWith("Jenkinsfile.")) return "Groovy"
  if (name.startsWith(".env.")) return "Dotenv"
  if (name.startsWith("requirements") && name.endsWith(".txt")) return "Pip Requirements"
  return null
}

/**
 * The language of a file, as The Stack names it, from its path (file name, then extension) and, when
 * the name says nothing, the `#!` line of its content; `null` when nothing matches. Pure and cheap:
 * a few map lookups, and the first line of `content` only when the name is unknown.
 *
 * @since 0.1.0 @category utils
 */
export const detectLanguage = (file: { readonly path: string; readonly content?: string | undefined }): string | null => {
  const path = file.path
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))
  const name = slash < 0 ? path : path.slice(slash + 1)
  const named = byFilename.get(name)
  if (named !== undefined) return named
  const dot = name.lastIndexOf(".")
  if (dot > 0) {
    const second = name.lastIndexOf(".", dot - 1)
    if (second > 0) {
      const compound = byCompoundExtension.get(name.slice(second + 1))
      if (compound !== undefined) return compound
    }
    const pattern = byFilenamePattern(name)
    if (pattern !== null) return pattern
    const ext = name.slice(dot + 1)
    const lang = byExtension.get(ext) ?? byLowerExtension.get(ext.toLowerCase())
    if (lang !== undefined) return lang
  }
  return file.content === undefined ? null : languageOfShebang(file.content)
}
