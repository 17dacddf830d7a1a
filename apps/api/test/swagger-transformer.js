// ts-jest wants an AST transformer with a name, a version and a factory; this
// wraps the @nestjs/swagger CLI plugin so that the tests see the same OpenAPI
// document as `nest build` produces.
const transformer = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (compiler) =>
  transformer.before({ classValidatorShim: true, introspectComments: true }, compiler.program);
