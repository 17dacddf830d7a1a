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
    const pattern = new RegExp(`^${url.replace(/\/$/, '').replace(/:[^/]+/g, '[^/]+')}/?$`);
    for (const m of Array.isArray(method) ? method : [method]) {
      if (m !== 'HEAD' && m !== 'OPTIONS') this.routes.push({ pattern, method: m });
    }
  }

  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  }
}
