import { Injectable } from '@nestjs/common';

/**
 * Which methods each route path answers, collected as Fastify registers the
 * routes, so that a known path with the wrong method is a 405 with `Allow`
 * instead of a 404.
 */
@Injectable()
export class RouteTable {
  private readonly routes: Array<{ pattern: RegExp; method: string }> = [];

  add(method: string | string[], url: string): void {
    // HEAD and OPTIONS (CORS preflights, on the wildcard path '*') are never what a 405 lists.
    const methods = (Array.isArray(method) ? method : [method]).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    if (methods.length === 0) return;
    const escaped = url.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^${escaped.replace(/:[^/]+/g, '[^/]+')}/?$`);
    for (const m of methods) this.routes.push({ pattern, method: m });
  }

  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  }
}
